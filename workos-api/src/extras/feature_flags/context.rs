//! Who a flag is evaluated for.

/// Who a flag is evaluated for: at most one id per target type. `organization` and `user` are
/// target types like any custom one (`workspace`, say).
///
/// As in both SDKs, an invalid target type (not `[a-z][a-z0-9_-]{0,63}`) or id (not
/// `[A-Za-z0-9._:-]{1,255}`, or `.` / `..`) is left out, so it matches no rule; the evaluation
/// never fails because of its context.
///
/// ```
/// use workos_api::flags::Context;
///
/// let context = Context::new().organization_id("org_123").user_id("user_123").target("workspace", "ws_1");
/// assert_eq!(context.id("organization"), Some("org_123"));
/// assert_eq!(Context::new().user_id("not an id").id("user"), None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// (target type, id), one per type.
    targets: Vec<(String, String)>,
}

impl Context {
    /// An empty context: only rules that need nothing of it (none today) and defaults apply.
    pub fn new() -> Self {
        Self::default()
    }

    /// The organization being evaluated (target type `organization`).
    #[must_use]
    pub fn organization_id(self, id: impl Into<String>) -> Self {
        self.target("organization", id)
    }

    /// The user being evaluated (target type `user`).
    #[must_use]
    pub fn user_id(self, id: impl Into<String>) -> Self {
        self.target("user", id)
    }

    /// The resource of a target type, replacing any earlier one of that type. Left out, with a
    /// `tracing` debug event, when the type or the id is invalid.
    #[must_use]
    pub fn target(mut self, target_type: impl Into<String>, id: impl Into<String>) -> Self {
        let (target_type, id) = (target_type.into(), id.into());
        if !valid_target_type(&target_type) {
            tracing::debug!(target_type, "feature flags: ignoring an invalid target type in the context");
            return self;
        }
        if !valid_target_id(&id) {
            tracing::debug!(target_type, "feature flags: ignoring an invalid target id in the context");
            return self;
        }
        self.targets.retain(|(t, _)| *t != target_type);
        self.targets.push((target_type, id));
        self
    }

    /// The id given for `target_type`.
    pub fn id(&self, target_type: &str) -> Option<&str> {
        self.targets.iter().find(|(t, _)| t == target_type).map(|(_, id)| id.as_str())
    }
}

/// `[a-z][a-z0-9_-]{0,63}`, the API's rule for target types.
fn valid_target_type(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && s.len() <= 64
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// `[A-Za-z0-9._:-]{1,255}` and neither `.` nor `..`, the API's rule for target ids.
fn valid_target_id(s: &str) -> bool {
    (1..=255).contains(&s.len())
        && s != "."
        && s != ".."
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_context_entry_is_left_out() {
        let context = Context::new()
            .user_id("user_1")
            .user_id("")
            .organization_id("org/1")
            .target("Workspace", "ws_1")
            .target("team", "..")
            .target("team", "t".repeat(256))
            .target("x".repeat(65), "id");
        assert_eq!(context, Context::new().user_id("user_1"));
        // A later valid id replaces an earlier one of its type.
        assert_eq!(Context::new().user_id("user_1").user_id("user_2").id("user"), Some("user_2"));
        assert_eq!(Context::new().target("a-b_9", "A.b:c-_9").id("a-b_9"), Some("A.b:c-_9"));
    }
}
