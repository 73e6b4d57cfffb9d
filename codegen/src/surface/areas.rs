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
