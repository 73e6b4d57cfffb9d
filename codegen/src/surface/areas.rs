//! Areas: which `client.<area>()` handle each operation belongs to, from its document tag and
//! the committed table `workos-spec/areas.toml`.

use std::collections::BTreeMap;

use heck::{ToPascalCase, ToSnakeCase};

/// `workos-spec/areas.toml`: the first segment of a tag -> an area name.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AreaTable {
    /// `"user-management" = "user_management"`.
    #[serde(default)]
    pub areas: BTreeMap<String, String>,
}

impl AreaTable {
    /// The area of an operation tagged `tag`: the table's entry for the tag's first segment,
    /// or that segment itself (snake case) when it already is an area name. `None` when
    /// neither holds.
    pub fn area_of(&self, tag: &str) -> Option<String> {
        let first = tag.split('.').next().unwrap_or(tag);
        if let Some(area) = self.areas.get(first) {
            return Some(area.clone());
        }
        let derived = first.to_snake_case();
        self.areas.values().any(|a| *a == derived).then_some(derived)
    }
}

impl AreaTable {
    /// Every area name the table knows, sorted.
    pub fn names(&self) -> std::collections::BTreeSet<String> {
        self.areas.values().cloned().collect()
    }
}

/// The features of the generated crate's manifest (`Cargo.toml` in `out_dir`) must declare a
/// feature per area of `table`, all listed under `default`; an error names what is missing.
pub fn check_manifest_features(out_dir: &std::path::Path, table: &AreaTable) -> crate::error::Result<()> {
    let path = out_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| crate::error::Error::io(&path, e))?;
    let manifest: toml::Table = toml::from_str(&text)
        .map_err(|e| crate::error::Error::Config { path: path.clone(), message: e.to_string() })?;
    let features = manifest.get("features").and_then(toml::Value::as_table);
    let declared = |name: &str| features.is_some_and(|f| f.contains_key(name));
    let default: Vec<&str> = features
        .and_then(|f| f.get("default"))
        .and_then(toml::Value::as_array)
        .map(|d| d.iter().filter_map(toml::Value::as_str).collect())
        .unwrap_or_default();
    let mut problems = Vec::new();
    for area in table.names() {
        if !declared(&area) {
            problems.push(format!("`{area} = []` is missing from [features]"));
        }
        if !default.contains(&area.as_str()) {
            problems.push(format!("`{area}` is missing from the `default` feature"));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(crate::error::Error::Config {
        path,
        message: format!(
            "every area of workos-spec/areas.toml needs a feature of the same name, on by default: {}",
            problems.join("; ")
        ),
    })
}

/// The handle type of an area (`user_management` -> `UserManagement`).
pub fn handle_name(area: &str) -> String {
    area.to_pascal_case()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> AreaTable {
        toml::from_str(
            "[areas]\n\"user-management\" = \"user_management\"\n\"permissions\" = \"authorization\"\n\"sso\" = \"sso\"\n",
        )
        .unwrap()
    }

    #[test]
    fn first_segment_decides() {
        let t = table();
        assert_eq!(t.area_of("user-management.invitations").as_deref(), Some("user_management"));
        assert_eq!(t.area_of("permissions").as_deref(), Some("authorization"));
    }

    #[test]
    fn an_unlisted_tag_is_derived_only_when_it_names_an_area() {
        let t = table();
        assert_eq!(t.area_of("authorization.roles").as_deref(), Some("authorization"));
        assert_eq!(t.area_of("vault"), None);
        assert_eq!(handle_name("user_management"), "UserManagement");
    }
}
