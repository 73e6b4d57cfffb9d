//! Platform teams: teams a platform creates for its customers. A new team is `Inactive` for
//! production (no billing yet) and its admin is invited by email.
//!
//! No event schema of the document names a team, so these writes emit none.

use serde::{Deserialize, Serialize};

use super::error::{ApiError, ApiResult, max_len, non_empty};
use super::ids::now;
use super::user_management::check_email;
use super::{Name, Store};

records!(Team => "Team");

/// A team (`Team`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Team {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) name: String,
    /// `Active`, `Inactive`, `Suspended` or `Deleting` (the schema's enum).
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) production_state: Name,
    pub(crate) production_enabled_at: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `POST /platform/teams`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct CreateTeam {
    pub(crate) admin_email: String,
    pub(crate) name: String,
}

/// The longest team name the emulator takes (WorkOS's limit is not published; the document's
/// usual `maxLength` for a name).
const MAX_NAME: usize = 255;

impl Store {
    /// Creates a team, `Inactive` for production until a team admin adds billing, and emails
    /// the admin's invitation (the outbox's `team_invitation`). A bad email or an empty name
    /// is a 422 naming the field; a name another team of the platform has is a 409
    /// `team_already_exists` (the operation declares a 409 without saying when; its code is not
    /// published, so the emulator's code for a duplicate, as `domain_already_exists`).
    pub(crate) fn create_team(&mut self, new: CreateTeam) -> ApiResult<Team> {
        let admin_email = check_email(&new.admin_email).map_err(|_| {
            ApiError::invalid_field(
                "admin_email",
                "invalid",
                format!("admin_email '{}' is not an email address.", new.admin_email),
            )
        })?;
        non_empty("name", &new.name)?;
        max_len("name", Some(&new.name), MAX_NAME)?;
        let name = new.name.trim().to_owned();
        if self.teams.iter().any(|t| t.name.eq_ignore_ascii_case(&name)) {
            return Err(ApiError::conflict(
                "team_already_exists",
                format!("A team named '{name}' already exists."),
            ));
        }
        let at = now();
        let record = Team {
            object: "team",
            id: self.ids.next("team"),
            name,
            production_state: "Inactive",
            production_enabled_at: None,
            created_at: at.clone(),
            updated_at: at,
        };
        self.teams.push(record.clone());
        self.send_email(&admin_email, "team_invitation", None, None);
        Ok(record)
    }

    pub(crate) fn team(&self, id: &str) -> ApiResult<&Team> {
        self.teams.get(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(admin_email: &str, name: &str) -> CreateTeam {
        CreateTeam { admin_email: admin_email.to_owned(), name: name.to_owned() }
    }

    #[test]
    fn a_team_starts_inactive_and_invites_its_admin() {
        let mut store = Store::default();
        let team = store.create_team(new("Admin@Acme.test", " Acme ")).expect("created");
        assert_eq!(
            (team.name.as_str(), team.production_state, team.production_enabled_at),
            ("Acme", "Inactive", None)
        );
        assert_eq!(store.team(&team.id).expect("there").id, team.id);
        let sent: Vec<_> = store.outbox.iter().map(|m| (m.to.as_str(), m.kind)).collect();
        assert_eq!(sent, [("admin@acme.test", "team_invitation")]);
        let e = store.team("team_9").expect_err("none");
        assert_eq!((e.status.as_u16(), e.message.as_str()), (404, "Team not found: 'team_9'."));
    }

    #[test]
    fn names_are_unique_and_fields_checked() {
        let mut store = Store::default();
        store.create_team(new("a@x.test", "Acme")).expect("created");
        let e = store.create_team(new("b@x.test", "acme")).expect_err("taken");
        assert_eq!((e.status.as_u16(), e.code), (409, Some("team_already_exists")));
        for (bad, field) in [(new("nobody", "B"), "admin_email"), (new("a@x.test", " "), "name")] {
            assert_eq!(store.create_team(bad).expect_err(field).errors[0].field, field);
        }
        assert_eq!(store.teams.len(), 1);
    }
}
