//! A validated snapshot of the environment's flags, and the evaluation rules.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

#[cfg(doc)] // for the documentation's links
use super::RuntimeClientBuilder;
use super::{Context, Evaluation, Reason};
use crate::types::{FlagPollEntry, FlagPollResponse, FlagPollRule};

/// The payload version this module reads (both SDKs ask for it).
pub const PAYLOAD_VERSION: i64 = 2;

/// The rule kind the SDKs evaluate.
const CONDITIONS_KIND: &str = "conditions";
/// The condition operator the SDKs evaluate.
const ONE_OF_OPERATOR: &str = "one_of";

/// A validated snapshot of the environment's flags, ready to evaluate. Made from a fetched
/// payload ([`Configuration::from_payload`]); [`payload`](Self::payload) gives it back, to keep
/// and pass to [`RuntimeClientBuilder::bootstrap`] later.
#[derive(Debug, Clone, PartialEq)]
pub struct Configuration {
    payload: FlagPollResponse,
    flags: HashMap<String, CompiledFlag>,
}

/// One flag, ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
struct CompiledFlag {
    enabled: bool,
    default_value: Option<bool>,
    off_value: Option<bool>,
    rules: Vec<CompiledRule>,
}

/// One rule; `conditions` is empty when it can never match.
#[derive(Debug, Clone, PartialEq)]
struct CompiledRule {
    id: Arc<str>,
    value: Option<bool>,
    conditions: Vec<(String, HashSet<String>)>,
}

/// Why a payload cannot be evaluated. Both SDKs refuse such a payload whole and keep the last
/// good configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigurationError {
    /// Another payload version than [`PAYLOAD_VERSION`].
    #[error("feature flags: payload version {0}, this version reads only {PAYLOAD_VERSION}")]
    UnsupportedVersion(i64),
    /// A `one_of` condition whose values are not an array.
    #[error("feature flags: a one_of condition of rule '{rule_id}' of flag '{flag}' has no array of values")]
    InvalidCondition {
        /// The flag's slug.
        flag: String,
        /// The rule's id.
        rule_id: String,
    },
}

impl Configuration {
    /// Validates and compiles a payload of `GET /sdk/feature-flags`.
    ///
    /// # Errors
    /// Another payload version, or a `one_of` condition without an array of values. Rules of
    /// kinds and operators this version does not know are accepted and never match.
    pub fn from_payload(payload: FlagPollResponse) -> Result<Self, ConfigurationError> {
        if payload.version != PAYLOAD_VERSION {
            return Err(ConfigurationError::UnsupportedVersion(payload.version));
        }
        let flags = payload
            .flags
            .iter()
            .map(|(slug, entry)| Ok((slug.clone(), compile_flag(slug, entry)?)))
            .collect::<Result<_, ConfigurationError>>()?;
        Ok(Configuration { payload, flags })
    }

    /// The payload it was made from (including what this version does not read).
    pub fn payload(&self) -> &FlagPollResponse {
        &self.payload
    }

    /// One flag's configuration as received.
    pub fn flag(&self, slug: &str) -> Option<&FlagPollEntry> {
        self.payload.flags.get(slug)
    }

    /// Every flag's slug, sorted.
    pub fn slugs(&self) -> Vec<&str> {
        let mut slugs: Vec<&str> = self.flags.keys().map(String::as_str).collect();
        slugs.sort_unstable();
        slugs
    }

    /// How many flags it has.
    pub fn len(&self) -> usize {
        self.flags.len()
    }

    /// Whether it has no flag.
    pub fn is_empty(&self) -> bool {
        self.flags.is_empty()
    }

    /// Evaluates one flag for `context` (see the [module documentation](super) for the rules).
    pub fn evaluate(&self, slug: &str, context: &Context) -> Evaluation {
        let Some(flag) = self.flags.get(slug) else { return Evaluation::UnknownFlag };
        let served = |value: Option<bool>, reason: Reason| match value {
            Some(enabled) => Evaluation::Decided { enabled, reason },
            None => Evaluation::NoAnswer,
        };
        if !flag.enabled {
            return served(flag.off_value, Reason::FlagOff);
        }
        let matches = |rule: &&CompiledRule| {
            !rule.conditions.is_empty()
                && rule
                    .conditions
                    .iter()
                    .all(|(target_type, ids)| context.id(target_type).is_some_and(|id| ids.contains(id)))
        };
        match flag.rules.iter().find(matches) {
            Some(rule) => served(rule.value, Reason::RuleMatched { rule_id: rule.id.clone() }),
            None => served(flag.default_value, Reason::Default),
        }
    }

    /// Every flag that decides a value for `context`, by slug (a flag without a boolean answer
    /// is left out, as the SDKs' `getAllFlags` / `get_all_flags` do).
    pub fn evaluate_all(&self, context: &Context) -> BTreeMap<String, bool> {
        self.flags
            .keys()
            .filter_map(|slug| self.evaluate(slug, context).enabled().map(|on| (slug.clone(), on)))
            .collect()
    }
}

/// A served value: a boolean, or no answer.
fn served_value(value: Option<&serde_json::Value>) -> Option<bool> {
    value.and_then(serde_json::Value::as_bool)
}

fn compile_flag(slug: &str, entry: &FlagPollEntry) -> Result<CompiledFlag, ConfigurationError> {
    let rules = entry.rules.iter().map(|rule| compile_rule(slug, rule)).collect::<Result<_, _>>()?;
    Ok(CompiledFlag {
        enabled: entry.enabled,
        default_value: served_value(Some(&entry.default_value)),
        off_value: served_value(Some(&entry.off_value)),
        rules,
    })
}

fn compile_rule(slug: &str, rule: &FlagPollRule) -> Result<CompiledRule, ConfigurationError> {
    let never = |rule: &FlagPollRule| CompiledRule {
        id: rule.id.as_str().into(),
        value: served_value(rule.value.as_ref()),
        conditions: Vec::new(),
    };
    if rule.kind != CONDITIONS_KIND {
        // A kind of a newer server may have other fields: never read, never matched.
        return Ok(never(rule));
    }
    let mut conditions = Vec::with_capacity(rule.conditions.len());
    let mut evaluable = true;
    for condition in &rule.conditions {
        if condition.operator != ONE_OF_OPERATOR {
            evaluable = false;
            continue;
        }
        let Some(values) = condition.values.as_ref().and_then(serde_json::Value::as_array) else {
            return Err(ConfigurationError::InvalidCondition {
                flag: slug.to_owned(),
                rule_id: rule.id.clone(),
            });
        };
        match &condition.target_type {
            // Ids that are not strings can never equal a context's id.
            Some(target_type) => conditions.push((
                target_type.clone(),
                values.iter().filter_map(serde_json::Value::as_str).map(str::to_owned).collect(),
            )),
            None => evaluable = false,
        }
    }
    if !evaluable {
        return Ok(never(rule));
    }
    Ok(CompiledRule { id: rule.id.as_str().into(), value: served_value(rule.value.as_ref()), conditions })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn configuration(flags: serde_json::Value) -> Result<Configuration, ConfigurationError> {
        let payload: FlagPollResponse =
            serde_json::from_value(json!({"version": 2, "flags": flags})).expect("a payload");
        Configuration::from_payload(payload)
    }

    fn rule(id: &str, value: serde_json::Value, conditions: serde_json::Value) -> serde_json::Value {
        json!({"id": id, "kind": "conditions", "value": value, "conditions": conditions})
    }

    fn one_of(target_type: &str, values: &[&str]) -> serde_json::Value {
        json!({"operator": "one_of", "target_type": target_type, "values": values})
    }

    fn flag(enabled: bool, default_value: serde_json::Value, rules: serde_json::Value) -> serde_json::Value {
        json!({"slug": "f", "enabled": enabled, "default_value": default_value, "off_value": false, "rules": rules})
    }

    fn decided(enabled: bool, reason: Reason) -> Evaluation {
        Evaluation::Decided { enabled, reason }
    }

    fn matched(rule_id: &str) -> Reason {
        Reason::RuleMatched { rule_id: rule_id.into() }
    }

    #[test]
    fn a_flag_that_is_off_serves_its_off_value_whatever_the_rules() {
        let c = configuration(json!({
            "f": flag(false, json!(true), json!([rule("r", json!(true), json!([one_of("user", &["user_1"])]))])),
        }))
        .expect("valid");
        let user = Context::new().user_id("user_1");
        assert_eq!(c.evaluate("f", &user), decided(false, Reason::FlagOff));
        assert_eq!(c.evaluate("missing", &user), Evaluation::UnknownFlag);
    }

    #[test]
    fn the_first_matching_rule_wins_then_the_default_value() {
        let rules = json!([
            rule("orgs", json!(false), json!([one_of("organization", &["org_1"])])),
            rule("users", json!(true), json!([one_of("user", &["user_1", "user_2"])])),
        ]);
        let c = configuration(json!({"f": flag(true, json!(true), rules)})).expect("valid");
        assert_eq!(c.evaluate("f", &Context::new().user_id("user_2")), decided(true, matched("users")));
        let both = Context::new().organization_id("org_1").user_id("user_1");
        assert_eq!(c.evaluate("f", &both), decided(false, matched("orgs")), "rule order, not context order");
        assert_eq!(c.evaluate("f", &Context::new().user_id("user_3")), decided(true, Reason::Default));
        assert_eq!(c.evaluate("f", &Context::new()), decided(true, Reason::Default));
        // Ids compare exactly.
        assert_eq!(c.evaluate("f", &Context::new().user_id("USER_1")), decided(true, Reason::Default));
    }

    #[test]
    fn every_condition_of_a_rule_must_match() {
        let both = json!([one_of("organization", &["org_1"]), one_of("user", &["user_1"])]);
        let c = configuration(json!({"f": flag(true, json!(false), json!([rule("r", json!(true), both)]))}))
            .expect("valid");
        assert_eq!(c.evaluate("f", &Context::new().user_id("user_1")), decided(false, Reason::Default));
        let context = Context::new().user_id("user_1").organization_id("org_1");
        assert_eq!(c.evaluate("f", &context), decided(true, matched("r")));
    }

    #[test]
    fn custom_target_types_match_like_the_built_in_ones() {
        let rules = json!([rule("r", json!(true), json!([one_of("workspace", &["ws_1"])]))]);
        let c = configuration(json!({"f": flag(true, json!(false), rules)})).expect("valid");
        assert_eq!(c.evaluate("f", &Context::new().target("workspace", "ws_1")), decided(true, matched("r")));
    }

    #[test]
    fn rules_this_version_cannot_evaluate_never_match() {
        let rules = json!([
            {"id": "pct", "kind": "percentage", "value": true, "percent": 50},
            rule("empty", json!(true), json!([])),
            rule("op", json!(true), json!([{"operator": "starts_with", "target_type": "user", "values": "user_"}])),
            rule("typeless", json!(true), json!([{"operator": "one_of", "values": ["user_1"]}])),
            rule("mixed", json!(true), json!([one_of("user", &["user_1"]), {"operator": "regex", "values": {}}])),
            {"id": "bare", "kind": "conditions", "value": true},
        ]);
        let c = configuration(json!({"f": flag(true, json!(false), rules)})).expect("unknown kinds are read");
        assert_eq!(c.evaluate("f", &Context::new().user_id("user_1")), decided(false, Reason::Default));
    }

    #[test]
    fn a_served_value_that_is_not_a_boolean_is_no_answer() {
        let rules = json!([rule("variant", json!("blue"), json!([one_of("user", &["user_1"])]))]);
        let c = configuration(json!({
            "f": flag(true, json!(null), rules),
            "off": {"slug": "off", "enabled": false, "default_value": true, "off_value": "x", "rules": []},
        }))
        .expect("valid");
        assert_eq!(c.evaluate("f", &Context::new().user_id("user_1")), Evaluation::NoAnswer);
        assert_eq!(c.evaluate("f", &Context::new()), Evaluation::NoAnswer);
        assert_eq!(c.evaluate("off", &Context::new()), Evaluation::NoAnswer);
        assert!(Evaluation::NoAnswer.unwrap_or(true));
        assert!(c.evaluate_all(&Context::new()).is_empty(), "flags without an answer are left out");
    }

    #[test]
    fn non_string_ids_are_dropped_and_the_rest_still_match() {
        let rules = json!([rule(
            "r",
            json!(true),
            json!([{"operator": "one_of", "target_type": "user", "values": [1, "user_1"]}])
        )]);
        let c = configuration(json!({"f": flag(true, json!(false), rules)})).expect("valid");
        assert_eq!(c.evaluate("f", &Context::new().user_id("user_1")), decided(true, matched("r")));
    }

    #[test]
    fn payloads_the_sdks_refuse_are_refused_whole() {
        let payload: FlagPollResponse =
            serde_json::from_value(json!({"version": 3, "flags": {}})).expect("decodes");
        assert_eq!(Configuration::from_payload(payload), Err(ConfigurationError::UnsupportedVersion(3)));
        let bad = json!([rule(
            "r",
            json!(true),
            json!([{"operator": "one_of", "target_type": "user", "values": "user_1"}])
        )]);
        let err = configuration(
            json!({"ok": flag(true, json!(true), json!([])), "f": flag(true, json!(false), bad)}),
        )
        .expect_err("a one_of without an array");
        assert_eq!(err, ConfigurationError::InvalidCondition { flag: "f".into(), rule_id: "r".into() });
    }

    #[test]
    fn all_flags_evaluates_each_for_the_context() {
        let rules = json!([rule("r", json!(true), json!([one_of("organization", &["org_1"])]))]);
        let c = configuration(json!({
            "a": flag(true, json!(false), rules),
            "b": flag(false, json!(true), json!([])),
        }))
        .expect("valid");
        let all = c.evaluate_all(&Context::new().organization_id("org_1"));
        assert_eq!(all, BTreeMap::from([("a".to_owned(), true), ("b".to_owned(), false)]));
        assert_eq!(c.slugs(), ["a", "b"]);
    }
}
