//! User management: users, organization memberships, invitations, the one-time codes and
//! tokens of the user flows, AuthKit settings, sign-in sessions, AuthKit OAuth resources and
//! waitlists, one file each.

pub(crate) mod flows;
pub(crate) mod invitations;
pub(crate) mod memberships;
pub(crate) mod oauth_resources;
pub(crate) mod sessions;
pub(crate) mod settings;
pub(crate) mod signin;
pub(crate) mod users;
pub(crate) mod waitlists;

pub(crate) use flows::{
    ConfirmCode, ConfirmPasswordReset, CreateEmailChange, CreateMagicAuth, CreatePasswordReset, EmailChange,
    OneTimeCode, PasswordReset,
};
pub(crate) use invitations::{CreateInvitation, Invitation, ResendInvitation, pending_by_token};
pub(crate) use memberships::{CreateMembership, Membership};
pub(crate) use sessions::{AuthCode, AuthSession, PendingAuth};
pub(crate) use settings::{AuthkitSettings, CreateCorsOrigin, CreateRedirectUri, SetJwtTemplate};
pub(crate) use users::{CreateUser, User, check_email};
