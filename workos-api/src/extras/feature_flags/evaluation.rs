//! The answer for one flag and context.

#[cfg(doc)] // for the documentation's links
use super::Status;
use std::fmt;
use std::sync::Arc;

/// The answer for one flag and context. [`unwrap_or`](Self::unwrap_or) gives what the SDKs
/// return: the decided value, else the caller's default.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Evaluation {
    /// The configuration decided.
    Decided {
        /// Whether the flag is on for this context.
        enabled: bool,
        /// Which step of the evaluation decided.
        reason: Reason,
    },
    /// No configuration yet: the first fetch has not finished.
    Pending,
    /// No configuration: every fetch so far failed ([`Status::last_error`] says why).
    Unavailable,
    /// The configuration has no flag with this slug.
    UnknownFlag,
    /// The flag's served value is not a boolean: a kind of flag this version does not evaluate.
    NoAnswer,
}

/// Which step of the evaluation decided ([`Evaluation::Decided`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// The flag is off in the environment: its `off_value`.
    FlagOff,
    /// The flag is on and this rule matched the context: the rule's value.
    RuleMatched {
        /// The rule's id.
        rule_id: Arc<str>,
    },
    /// The flag is on and no rule matched: its `default_value`.
    Default,
}

impl Evaluation {
    /// The decided value, or `None` ([`Pending`](Self::Pending), [`Unavailable`](Self::Unavailable),
    /// [`UnknownFlag`](Self::UnknownFlag), [`NoAnswer`](Self::NoAnswer)).
    pub fn enabled(&self) -> Option<bool> {
        match self {
            Evaluation::Decided { enabled, .. } => Some(*enabled),
            _ => None,
        }
    }

    /// The decided value, or `default` when nothing decided (as the SDKs' `isEnabled` /
    /// `is_enabled` with a default).
    pub fn unwrap_or(&self, default: bool) -> bool {
        self.enabled().unwrap_or(default)
    }

    /// The configuration decided.
    pub fn is_decided(&self) -> bool {
        matches!(self, Evaluation::Decided { .. })
    }

    /// No configuration yet: the first fetch has not finished.
    pub fn is_pending(&self) -> bool {
        matches!(self, Evaluation::Pending)
    }

    /// No configuration: every fetch so far failed.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Evaluation::Unavailable)
    }
}

impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Evaluation::Decided { enabled, reason } => {
                let value = if *enabled { "on" } else { "off" };
                match reason {
                    Reason::FlagOff => write!(f, "{value} (the flag is off)"),
                    Reason::RuleMatched { rule_id } => write!(f, "{value} (rule {rule_id})"),
                    Reason::Default => write!(f, "{value} (default value)"),
                }
            }
            Evaluation::Pending => f.write_str("pending: no configuration yet"),
            Evaluation::Unavailable => f.write_str("unavailable: no configuration could be fetched"),
            Evaluation::UnknownFlag => f.write_str("unknown flag"),
            Evaluation::NoAnswer => f.write_str("no boolean answer"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluations_read_as_the_sdks_answers() {
        let decided = |enabled, reason| Evaluation::Decided { enabled, reason };
        assert!(!Evaluation::Pending.unwrap_or(false));
        assert!(Evaluation::Unavailable.unwrap_or(true));
        assert_eq!(decided(true, Reason::Default).enabled(), Some(true));
        assert_eq!(Evaluation::UnknownFlag.enabled(), None);
        assert_eq!(decided(true, Reason::RuleMatched { rule_id: "r1".into() }).to_string(), "on (rule r1)");
        assert_eq!(decided(false, Reason::FlagOff).to_string(), "off (the flag is off)");
    }
}
