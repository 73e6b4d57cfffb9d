//! Feature flags: seeded (WorkOS makes them in the dashboard), read, toggled and targeted
//! through the API. A flag is on for an organization or a user when it is enabled and either
//! targets them (a user also through any organization they are a member of) or defaults to on.
//!
//! The same flags are served as the runtime payload WorkOS's SDKs evaluate locally
//! ([`Store::flags_runtime_payload`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::{ApiError, ApiResult, non_empty};
use super::ids::now;
use super::list::Query;
use super::*;

records!(
    Flag => "Feature flag",
);

/// `Flag`: a feature flag, with the organizations and users it targets.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Flag {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) slug: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) owner: Option<Value>,
    pub(crate) tags: Vec<String>,
    pub(crate) enabled: bool,
    pub(crate) default_value: bool,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    /// Organization and user ids the flag is on for.
    #[serde(default, skip_serializing_if = "crate::model::persist::answering")]
    pub(crate) targets: Vec<String>,
}

/// The environment id flag events carry: the emulator is one environment.
const ENVIRONMENT_ID: &str = "environment_00000000000000000000000000";

/// The only version of the runtime payload the emulator serves (the one WorkOS's SDKs ask for).
const PAYLOAD_VERSION: &str = "2";

/// A flag event's data: the flag and its environment.
fn event_data(flag: &Flag) -> Value {
    let mut data = serde_json::to_value(flag).unwrap_or_default();
    data["environment_id"] = ENVIRONMENT_ID.into();
    data
}

/// Whether `flag` is on for any of `subjects` (organization and user ids).
fn on_for(flag: &Flag, subjects: &[&str]) -> bool {
    flag.enabled && (flag.default_value || flag.targets.iter().any(|t| subjects.contains(&t.as_str())))
}

/// Adds a seeded flag; its targets are the seed's organizations (by name) and users (by email).
/// A slug already taken is a 409 `flag_slug_conflict`; an unknown organization or user a 404.
pub(crate) fn seed_flag(store: &mut Store, seed: &SeedFeatureFlag) -> ApiResult<()> {
    non_empty("slug", &seed.slug)?;
    if store.flag_index(&seed.slug).is_ok() {
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

impl Store {
    /// Where the flag with `slug` stands, or WorkOS's 404 naming the slug.
    fn flag_index(&self, slug: &str) -> ApiResult<usize> {
        self.flags
            .iter()
            .position(|f| f.slug == slug)
            .ok_or_else(|| ApiError::not_found("Feature flag", slug))
    }

    /// The flag with `slug`.
    pub(crate) fn flag(&self, slug: &str) -> ApiResult<&Flag> {
        Ok(&self.flags[self.flag_index(slug)?])
    }

    /// The page of all flags `query` asks for.
    pub(crate) fn flags_page(&self, query: &Query) -> Value {
        query.page_sorted(&self.flags, |f| &f.id)
    }

    /// Turns a flag on (`enabled`) or off; `flag.updated` when that changes it.
    pub(crate) fn set_flag_enabled(&mut self, slug: &str, enabled: bool) -> ApiResult<&Flag> {
        let i = self.flag_index(slug)?;
        let flag = &mut self.flags[i];
        if flag.enabled != enabled {
            flag.enabled = enabled;
            flag.updated_at = now();
            let data = event_data(flag);
            self.emit("flag.updated", data);
        }
        Ok(&self.flags[i])
    }

    /// Makes `resource` (an existing `org_` or `user_` id) a target of the flag (`on`) or not;
    /// `flag.rule_updated` when that changes it. Any other id is a 400 `invalid_resource_id`.
    pub(crate) fn set_flag_target(&mut self, slug: &str, resource: &str, on: bool) -> ApiResult<()> {
        let i = self.flag_index(slug)?;
        if resource.starts_with("org_") {
            self.organization(resource)?;
        } else if resource.starts_with("user_") {
            self.user(resource)?;
        } else {
            return Err(ApiError::bad_request(
                "invalid_resource_id",
                format!("'{resource}' is neither an organization id (org_…) nor a user id (user_…)."),
            ));
        }
        let flag = &mut self.flags[i];
        if flag.targets.iter().any(|t| t == resource) != on {
            if on {
                flag.targets.push(resource.to_owned());
            } else {
                flag.targets.retain(|t| t != resource);
            }
            flag.updated_at = now();
            let data = event_data(flag);
            self.emit("flag.rule_updated", data);
        }
        Ok(())
    }

    /// The page of the flags on for organization `org`.
    pub(crate) fn flags_for_organization(&self, org: &str, query: &Query) -> ApiResult<Value> {
        self.organization(org)?;
        let items = self.flags.iter().filter(|f| on_for(f, &[org])).collect();
        Ok(query.page(items, |f| &f.id))
    }

    /// The page of the flags on for `user`, directly or through an organization they are an
    /// active member of.
    pub(crate) fn flags_for_user(&self, user: &str, query: &Query) -> ApiResult<Value> {
        self.user(user)?;
        let mut subjects = vec![user];
        subjects.extend(
            self.memberships
                .iter()
                .filter(|m| m.user_id == user && m.status == "active")
                .map(|m| m.organization_id.as_str()),
        );
        let items = self.flags.iter().filter(|f| on_for(f, &subjects)).collect();
        Ok(query.page(items, |f| &f.id))
    }

    /// The runtime payload of `payload_version` (only version 2 is served; another is a 422).
    /// A flag that is off serves `false`; an enabled one serves `true` to its targets (a rule
    /// for its organizations, then one for its users, each present when it has any) and its
    /// default value to everyone else. Memberships do not count here: the SDK evaluates the
    /// organization the caller names.
    pub(crate) fn flags_runtime_payload(&self, payload_version: &str) -> ApiResult<RuntimePayload<'_>> {
        if payload_version != PAYLOAD_VERSION {
            return Err(ApiError::invalid_field(
                "payload_version",
                "unsupported",
                format!(
                    "payload_version {payload_version} is not served; the emulator serves version {PAYLOAD_VERSION}."
                ),
            ));
        }
        let flags = self.flags.iter().map(|flag| (flag.slug.as_str(), RuntimeFlag::of(flag))).collect();
        Ok(RuntimePayload { version: 2, flags })
    }
}

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

impl<'a> RuntimeFlag<'a> {
    /// The payload's entry for `flag`: a `one_of` rule per kind of target it has.
    fn of(flag: &'a Flag) -> Self {
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
        RuntimeFlag {
            slug: &flag.slug,
            enabled: flag.enabled,
            default_value: flag.default_value,
            off_value: false,
            rules,
        }
    }
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::testing::event_names;

    fn query() -> Query {
        Query::parse(None).expect("no query")
    }

    /// The slugs on a list page, in its order.
    fn slugs(page: &Value) -> Vec<&str> {
        page["data"].as_array().into_iter().flatten().filter_map(|f| f["slug"].as_str()).collect()
    }

    #[test]
    fn an_unknown_slug_is_a_404_naming_it() {
        let mut store = Store::default();
        let e = store.set_flag_enabled("nope", true).expect_err("no such flag");
        assert_eq!((e.status.as_u16(), e.message.as_str()), (404, "Feature flag not found: 'nope'."));
        assert!(store.set_flag_target("nope", "org_1", true).is_err());
    }

    #[test]
    fn seeding_refuses_a_taken_slug_and_unknown_targets() {
        let mut store = Store::default();
        let org = store.test_organization("Acme");
        let user = store.test_user("ada@acme.test");
        let mut flag = SeedFeatureFlag::new("beta");
        flag.organizations = vec!["Acme".into()];
        flag.users = vec!["ADA@acme.test".into()];
        seed_flag(&mut store, &flag).expect("seeded");
        assert_eq!(store.flag("beta").expect("there").targets, [org, user]);
        assert_eq!(event_names(&store), ["flag.created"]);
        let e = seed_flag(&mut store, &SeedFeatureFlag::new("beta")).expect_err("taken");
        assert_eq!((e.status.as_u16(), e.code), (409, Some("flag_slug_conflict")));
        let mut other = SeedFeatureFlag::new("other");
        other.organizations = vec!["Nobody".into()];
        let e = seed_flag(&mut store, &other).expect_err("no such organization");
        assert_eq!(e.message, "Organization named not found: 'Nobody'.");
        assert_eq!(
            seed_flag(&mut store, &SeedFeatureFlag::new(" ")).expect_err("empty").status.as_u16(),
            422
        );
    }

    #[test]
    fn toggling_emits_an_update_only_when_it_changes_the_flag() {
        let mut store = Store::default();
        seed_flag(&mut store, &SeedFeatureFlag::new("beta")).expect("seeded");
        assert!(store.set_flag_enabled("beta", true).expect("on").enabled);
        assert!(!store.set_flag_enabled("beta", false).expect("off").enabled);
        assert_eq!(event_names(&store), ["flag.created", "flag.updated"]);
        let event = &store.events.log[1]["data"];
        assert_eq!(
            (event["enabled"].clone(), event["environment_id"].clone()),
            (json!(false), json!(ENVIRONMENT_ID))
        );
    }

    #[test]
    fn targets_must_be_existing_organizations_or_users() {
        let mut store = Store::default();
        let org = store.test_organization("Acme");
        seed_flag(&mut store, &SeedFeatureFlag::new("beta")).expect("seeded");
        let e = store.set_flag_target("beta", "conn_1", true).expect_err("not a target");
        assert_eq!((e.status.as_u16(), e.code), (400, Some("invalid_resource_id")));
        let e = store.set_flag_target("beta", "user_01", true).expect_err("no such user");
        assert_eq!(e.status.as_u16(), 404);
        store.set_flag_target("beta", &org, true).expect("added");
        store.set_flag_target("beta", &org, true).expect("again: no change");
        assert_eq!(store.flag("beta").expect("there").targets, std::slice::from_ref(&org));
        store.set_flag_target("beta", &org, false).expect("removed");
        assert!(store.flag("beta").expect("there").targets.is_empty());
        assert_eq!(event_names(&store), ["flag.created", "flag.rule_updated", "flag.rule_updated"]);
    }

    #[test]
    fn a_user_gets_the_flags_of_their_active_organizations() {
        let mut store = Store::default();
        let (acme, globex) = (store.test_organization("Acme"), store.test_organization("Globex"));
        let user = store.test_user("ada@acme.test");
        store.test_membership(&user, &acme, "active");
        store.test_membership(&user, &globex, "inactive");
        for (slug, target) in [("via-acme", &acme), ("via-globex", &globex), ("direct", &user)] {
            seed_flag(&mut store, &SeedFeatureFlag::new(slug)).expect("seeded");
            store.set_flag_target(slug, target, true).expect("targeted");
        }
        let mut everyone = SeedFeatureFlag::new("everyone");
        everyone.default_value = true;
        seed_flag(&mut store, &everyone).expect("seeded");
        store.set_flag_enabled("direct", false).expect("off");
        let page = store.flags_for_user(&user, &query()).expect("listed");
        assert_eq!(slugs(&page), ["everyone", "via-acme"]);
        let page = store.flags_for_organization(&globex, &query()).expect("listed");
        assert_eq!(slugs(&page), ["everyone", "via-globex"]);
        assert_eq!(store.flags_for_user("user_01", &query()).expect_err("unknown").status.as_u16(), 404);
        assert_eq!(slugs(&store.flags_page(&query())).len(), 4);
    }

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
        let payload = store.flags_runtime_payload("2").expect("version 2");
        let payload = serde_json::to_value(payload).expect("serializes");
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
        let e = store.flags_runtime_payload("1").expect_err("not served");
        assert_eq!((e.status.as_u16(), e.errors[0].code), (422, "unsupported"));
    }
}
