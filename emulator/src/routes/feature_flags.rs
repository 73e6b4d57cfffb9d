//! Feature flags: seeded (WorkOS makes them in the dashboard), read, toggled and targeted
//! through the API. A flag is on for an organization or a user when it is enabled and either
//! targets them (a user also through any organization they are a member of) or defaults to on.
//!
//! `GET /sdk/feature-flags` serves the same flags as the runtime payload WorkOS's SDKs evaluate
//! locally ([`runtime_payload`]).

use std::collections::BTreeMap;

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use http::StatusCode;
use serde::Serialize;

use super::{Db, empty, ok};
use crate::SeedFeatureFlag;
use crate::model::error::{ApiError, ApiResult, non_empty};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::{Flag, Store};

/// The environment id flag events carry: the emulator is one environment.
const ENVIRONMENT_ID: &str = "environment_00000000000000000000000000";

/// A flag event's data: the flag and its environment.
fn event_data(flag: &Flag) -> serde_json::Value {
    let mut data = serde_json::to_value(flag).unwrap_or_default();
    data["environment_id"] = ENVIRONMENT_ID.into();
    data
}

/// The flag's position.
fn find(store: &Store, slug: &str) -> ApiResult<usize> {
    store.flags.iter().position(|f| f.slug == slug).ok_or_else(|| ApiError::not_found("Feature flag", slug))
}

/// Adds a seeded flag; its targets are the seed's organizations (by name) and users (by email).
pub(crate) fn seed_flag(store: &mut Store, seed: &SeedFeatureFlag) -> ApiResult<()> {
    non_empty("slug", &seed.slug)?;
    if find(store, &seed.slug).is_ok() {
        return Err(ApiError::conflict(
            "flag_slug_conflict",
            format!("Flag '{}' already exists.", seed.slug),
        ));
    }
    let mut targets = Vec::new();
    for name in &seed.organizations {
        let org = store.organizations.iter().find(|o| o.name == *name);
        targets.push(org.ok_or_else(|| ApiError::not_found("Organization named", name))?.id.clone());
    }
    for email in &seed.users {
        let user = store.user_by_email(&email.to_lowercase());
        targets.push(user.ok_or_else(|| ApiError::not_found("User with email", email))?.id.clone());
    }
    let at = now();
    let flag = Flag {
        object: "feature_flag",
        id: store.ids.next("flag"),
        slug: seed.slug.clone(),
        name: seed.name.clone().unwrap_or_else(|| seed.slug.clone()),
        description: seed.description.clone(),
        owner: None,
        tags: seed.tags.clone(),
        enabled: seed.enabled.unwrap_or(true),
        default_value: seed.default_value,
        created_at: at.clone(),
        updated_at: at,
        targets,
    };
    store.emit("flag.created", event_data(&flag));
    store.flags.push(flag);
    Ok(())
}

pub(super) async fn list(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    Ok(ok(query.page_sorted(&store.flags, |f| &f.id)))
}

pub(super) async fn get(State(db): Db, Path(slug): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    Ok(ok(&store.flags[find(&store, &slug)?]))
}

fn set_enabled(store: &mut Store, slug: &str, enabled: bool) -> ApiResult<Response> {
    let i = find(store, slug)?;
    let flag = &mut store.flags[i];
    if flag.enabled != enabled {
        flag.enabled = enabled;
        flag.updated_at = now();
        let flag = flag.clone();
        store.emit("flag.updated", event_data(&flag));
    }
    Ok(ok(&store.flags[i]))
}

pub(super) async fn enable(State(db): Db, Path(slug): Path<String>) -> ApiResult<Response> {
    set_enabled(&mut db.store(), &slug, true)
}

pub(super) async fn disable(State(db): Db, Path(slug): Path<String>) -> ApiResult<Response> {
    set_enabled(&mut db.store(), &slug, false)
}

/// The flag and the target a targets route names: an existing `org_` or `user_` id.
fn target(store: &Store, slug: &str, resource: &str) -> ApiResult<usize> {
    let i = find(store, slug)?;
    if resource.starts_with("org_") {
        store.organization(resource)?;
    } else if resource.starts_with("user_") {
        store.user(resource)?;
    } else {
        return Err(ApiError::bad_request(
            "invalid_resource_id",
            format!("'{resource}' is neither an organization id (org_…) nor a user id (user_…)."),
        ));
    }
    Ok(i)
}

pub(super) async fn add_target(
    State(db): Db,
    Path((slug, resource)): Path<(String, String)>,
) -> ApiResult<Response> {
    set_target(&mut db.store(), &slug, resource, true)
}

pub(super) async fn remove_target(
    State(db): Db,
    Path((slug, resource)): Path<(String, String)>,
) -> ApiResult<Response> {
    set_target(&mut db.store(), &slug, resource, false)
}

/// Makes `resource` a target of the flag (`on`) or not; `flag.rule_updated` when that changes.
fn set_target(store: &mut Store, slug: &str, resource: String, on: bool) -> ApiResult<Response> {
    let i = target(store, slug, &resource)?;
    let flag = &mut store.flags[i];
    if flag.targets.contains(&resource) != on {
        if on {
            flag.targets.push(resource);
        } else {
            flag.targets.retain(|t| *t != resource);
        }
        flag.updated_at = now();
        let flag = flag.clone();
        store.emit("flag.rule_updated", event_data(&flag));
    }
    Ok(empty(StatusCode::NO_CONTENT))
}

/// Whether `flag` is on for any of `subjects` (organization and user ids).
fn on_for(flag: &Flag, subjects: &[&str]) -> bool {
    flag.enabled && (flag.default_value || flag.targets.iter().any(|t| subjects.contains(&t.as_str())))
}

pub(super) async fn list_for_organization(
    State(db): Db,
    Path(org): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    store.organization(&org)?;
    let items = store.flags.iter().filter(|f| on_for(f, &[&org])).collect();
    Ok(ok(query.page(items, |f| &f.id)))
}

pub(super) async fn list_for_user(
    State(db): Db,
    Path(user): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    store.user(&user)?;
    let mut subjects = vec![user.as_str()];
    subjects.extend(
        store
            .memberships
            .iter()
            .filter(|m| m.user_id == user && m.status == "active")
            .map(|m| m.organization_id.as_str()),
    );
    let items = store.flags.iter().filter(|f| on_for(f, &subjects)).collect();
    Ok(ok(query.page(items, |f| &f.id)))
}

/// The only version of the runtime payload the emulator serves (the one WorkOS's SDKs ask for).
const PAYLOAD_VERSION: &str = "2";

/// The runtime payload: every flag of the environment by slug, with its targeting.
#[derive(Debug, Serialize)]
pub(crate) struct RuntimePayload<'a> {
    version: u8,
    flags: BTreeMap<&'a str, RuntimeFlag<'a>>,
}

/// One flag of the runtime payload.
#[derive(Debug, Serialize)]
struct RuntimeFlag<'a> {
    slug: &'a str,
    enabled: bool,
    default_value: bool,
    off_value: bool,
    rules: Vec<RuntimeRule<'a>>,
}

/// A `conditions` rule of the runtime payload: served when its one condition matches.
#[derive(Debug, Serialize)]
struct RuntimeRule<'a> {
    id: String,
    kind: &'static str,
    value: bool,
    conditions: [RuntimeCondition<'a>; 1],
}

/// A `one_of` condition: the context's id for `target_type` is one of `values`.
#[derive(Debug, Serialize)]
struct RuntimeCondition<'a> {
    operator: &'static str,
    target_type: &'static str,
    values: Vec<&'a str>,
}

/// The flags as the runtime payload (version 2) carries them. A flag that is off serves
/// `false`; an enabled one serves `true` to its targets (a rule for its organizations, then one
/// for its users, each present when it has any) and its default value to everyone else.
/// Memberships do not count here: the SDK evaluates the organization the caller names.
pub(crate) fn runtime_payload(store: &Store) -> RuntimePayload<'_> {
    let flags = store
        .flags
        .iter()
        .map(|flag| {
            let suffix = flag.id.strip_prefix("flag_").unwrap_or(&flag.id);
            let rules = [("organization", "org_"), ("user", "user_")]
                .into_iter()
                .filter_map(|(target_type, prefix)| {
                    let values: Vec<&str> =
                        flag.targets.iter().map(String::as_str).filter(|t| t.starts_with(prefix)).collect();
                    (!values.is_empty()).then(|| RuntimeRule {
                        id: format!("flag_rule_{suffix}_{target_type}"),
                        kind: "conditions",
                        value: true,
                        conditions: [RuntimeCondition { operator: "one_of", target_type, values }],
                    })
                })
                .collect();
            let entry = RuntimeFlag {
                slug: &flag.slug,
                enabled: flag.enabled,
                default_value: flag.default_value,
                off_value: false,
                rules,
            };
            (flag.slug.as_str(), entry)
        })
        .collect();
    RuntimePayload { version: 2, flags }
}

/// `GET /sdk/feature-flags?payload_version=2`: the runtime payload; another version is a 422.
pub(super) async fn runtime_configuration(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let version = query.require("payload_version")?;
    if version != PAYLOAD_VERSION {
        return Err(ApiError::invalid_field(
            "payload_version",
            "unsupported",
            format!(
                "payload_version {version} is not served; the emulator serves version {PAYLOAD_VERSION}."
            ),
        ));
    }
    let store = db.store();
    Ok(ok(runtime_payload(&store)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{runtime_payload, seed_flag};
    use crate::SeedFeatureFlag;
    use crate::model::Store;

    #[test]
    fn the_runtime_payload_carries_targets_as_one_of_rules() {
        let mut store = Store::default();
        let mut beta = SeedFeatureFlag::new("beta");
        beta.default_value = true;
        seed_flag(&mut store, &beta).expect("seeded");
        seed_flag(&mut store, &SeedFeatureFlag::new("plain")).expect("seeded");
        store.flags[0].targets = vec!["user_1".into(), "org_1".into(), "org_2".into()];
        store.flags[1].enabled = false;
        let id = store.flags[0].id.strip_prefix("flag_").expect("a flag id").to_owned();
        let payload = serde_json::to_value(runtime_payload(&store)).expect("serializes");
        assert_eq!(
            payload,
            json!({
                "version": 2,
                "flags": {
                    "beta": {
                        "slug": "beta", "enabled": true, "default_value": true, "off_value": false,
                        "rules": [
                            {"id": format!("flag_rule_{id}_organization"), "kind": "conditions", "value": true,
                             "conditions": [{"operator": "one_of", "target_type": "organization", "values": ["org_1", "org_2"]}]},
                            {"id": format!("flag_rule_{id}_user"), "kind": "conditions", "value": true,
                             "conditions": [{"operator": "one_of", "target_type": "user", "values": ["user_1"]}]},
                        ],
                    },
                    "plain": {"slug": "plain", "enabled": false, "default_value": false, "off_value": false, "rules": []},
                },
            })
        );
    }
}
