//! WorkOS Actions: verifying the request WorkOS sends an action endpoint during authentication or
//! user registration, and signing the endpoint's answer (allow, or deny with a message).
//!
//! WorkOS signs an action request as it signs a webhook delivery: the
//! [`WorkOS-Signature`](SIGNATURE_HEADER) header is
//! `t=<timestamp in milliseconds>, v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed with the action
//! endpoint's secret. [`verify`] checks it with the same code as [`webhooks`](crate::webhooks)
//! (bounded header: at most [`MAX_HEADER_LEN`](crate::webhooks::MAX_HEADER_LEN) bytes and
//! [`MAX_SIGNATURES`](crate::webhooks::MAX_SIGNATURES) entries; HMAC compared in constant time),
//! with a tolerance of [30 seconds](DEFAULT_TOLERANCE) **in both directions**, the default of the
//! Node SDK's `constructAction`. The verified body is read as a typed [`Action`]; a kind this
//! version does not know is [`Action::Unknown`] with its JSON, and fields it does not know are
//! ignored.
//!
//! The endpoint answers with a [`Response`] signed for the action's [kind](ActionKind), the JSON
//! the Node SDK's `signResponse` makes, byte for byte:
//! `{"object":"<kind>_action_response","payload":{"timestamp":<ms>,"verdict":"Allow"|"Deny"[,"error_message":"..."]},"signature":"<hex>"}`,
//! where the signature is the HMAC-SHA256 of `"<timestamp>.<payload JSON>"`.
//! `tests/node_interop.rs` checks both directions against vectors made by `@workos-inc/node`.
//!
//! Errors say which check failed, never the secret, the header or a signature.
//!
//! ```
//! use workos_api::actions::{self, Action, ActionError, Response};
//!
//! /// The body of the endpoint's `200 OK`, or `None` for a kind this version cannot answer
//! /// (WorkOS then applies the endpoint's configured error handling).
//! fn answer(body: &[u8], signature: &str, secret: &str) -> Result<Option<String>, ActionError> {
//!     let action = actions::verify(body, signature, secret)?;
//!     let response = match &action {
//!         Action::UserRegistration(registration) if registration.user_data.email.ends_with("@gmail.com") => {
//!             Response::deny("Please sign up with your work email address.")
//!         }
//!         Action::Authentication(authentication) if authentication.organization.is_none() => {
//!             Response::deny("Please sign in through your organization.")
//!         }
//!         _ => Response::allow(),
//!     };
//!     Ok(action.kind().map(|kind| response.sign(kind, secret).to_json()))
//! }
//! ```

mod records;
mod request;
mod response;
mod verify;

#[doc(no_inline)] // documented in `webhooks`, as before the move
pub use crate::webhooks::SIGNATURE_HEADER;
pub use records::{
    AuthenticationMethod, Invitation, InvitationState, Organization, OrganizationDomain,
    OrganizationDomainState, OrganizationDomainVerificationStrategy, OrganizationMembership,
    OrganizationMembershipStatus, Role, User, UserData,
};
pub use request::{Action, ActionKind, AuthenticationAction, UserRegistrationAction};
pub use response::{Response, ResponsePayload, SignedResponse, Verdict};
pub use verify::{ActionError, DEFAULT_TOLERANCE, verify, verify_with};

#[cfg(test)]
mod tests;
