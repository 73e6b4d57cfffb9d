//! Single Sign-On: the connections of the seed (`connections:`) and of the API, and the SSO
//! flow a service runs ([`flow`]): the identity provider signs in the user named by
//! `login_hint` at once and sends back a code; the code is exchanged (with the client secret,
//! or the PKCE verifier when the URL had a challenge) for the user's profile and an access
//! token, which reads the profile until the sign-in is logged out.
//!
//! A connection is found by id (`connection`), by organization (`organization`: its first
//! active connection), by domain (`domain`, `domain_hint`) or by OAuth provider (`provider`:
//! one connection per provider, made on first use, in no organization).

pub(crate) mod certificates;
pub(crate) mod flow;
pub(crate) mod passwordless;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::{ApiError, ApiResult};
use super::ids::now;
use super::list::Query;
use super::table::Table;
use super::{Name, SeedConnection, Store};

records!(
    Connection => "Connection",
    Profile => "Profile",
);

/// The connection types a seed may give (the document's `Connection.connection_type`).
const TYPES: &[&str] = &[
    "ADFSSAML",
    "AdpOidc",
    "AppleOAuth",
    "Auth0SAML",
    "AzureSAML",
    "BitbucketOAuth",
    "CasSAML",
    "ClassLinkSAML",
    "CleverOIDC",
    "CloudflareSAML",
    "CyberArkSAML",
    "DiscordOAuth",
    "DuoSAML",
    "EntraIdOIDC",
    "GenericOIDC",
    "GenericSAML",
    "GitHubOAuth",
    "GitLabOAuth",
    "GoogleOAuth",
    "GoogleOIDC",
    "GoogleSAML",
    "IntuitOAuth",
    "JumpCloudSAML",
    "KeycloakSAML",
    "LastPassSAML",
    "LinkedInOAuth",
    "MicrosoftOAuth",
    "MiniOrangeSAML",
    "NetIqSAML",
    "OktaOIDC",
    "OktaSAML",
    "OneLoginSAML",
    "OracleSAML",
    "PingFederateSAML",
    "PingOneSAML",
    "RipplingSAML",
    "SalesforceSAML",
    "SalesforceOAuth",
    "ShibbolethGenericSAML",
    "ShibbolethSAML",
    "SimpleSamlPhpSAML",
    "SlackOAuth",
    "TestIdp",
    "VercelOAuth",
    "VMwareSAML",
    "XeroOAuth",
];

/// Connections, the profiles they signed in, and the codes and tokens of the flow.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct SsoData {
    connections: Table<Connection>,
    /// One profile per (connection, email), so a user keeps their profile id.
    profiles: Table<Profile>,
    /// SAML connections' certificates.
    certificates: Table<certificates::Certificate>,
    codes: Vec<flow::SsoCode>,
    tokens: Vec<flow::SsoToken>,
    /// Passwordless (Magic Link) sessions.
    passwordless: Table<passwordless::PasswordlessSession>,
}

/// A connection (its answer is [`ConnectionAnswer`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Connection {
    id: String,
    organization_id: Option<String>,
    connection_type: String,
    name: String,
    state: String,
    /// Domain ids and domains.
    domains: Vec<(String, String)>,
    /// Its domains' users must sign in through it.
    #[serde(default)]
    required: bool,
    created_at: String,
    updated_at: String,
}

impl Connection {
    /// A connection with `id`, without domains, made now.
    fn new(
        id: String,
        organization_id: Option<String>,
        connection_type: String,
        name: String,
        state: &str,
    ) -> Self {
        let at = now();
        Connection {
            id,
            organization_id,
            connection_type,
            name,
            state: state.to_owned(),
            domains: Vec::new(),
            required: false,
            created_at: at.clone(),
            updated_at: at,
        }
    }

    fn answer(&self) -> ConnectionAnswer<'_> {
        ConnectionAnswer {
            object: "connection",
            id: &self.id,
            connection_type: &self.connection_type,
            name: &self.name,
            state: &self.state,
            status: if self.state == "active" { "linked" } else { "unlinked" },
            domains: self
                .domains
                .iter()
                .map(|(id, domain)| ConnectionDomain { id, object: "connection_domain", domain })
                .collect(),
            created_at: &self.created_at,
            updated_at: &self.updated_at,
            organization_id: self.organization_id.as_deref(),
        }
    }

    fn active(&self) -> bool {
        self.state == "active"
    }

    fn has_domain(&self, domain: &str) -> bool {
        self.domains.iter().any(|(_, d)| d == domain)
    }
}

/// `Connection` as the API answers it.
#[derive(Debug, Serialize)]
pub(crate) struct ConnectionAnswer<'a> {
    object: &'static str,
    id: &'a str,
    connection_type: &'a str,
    name: &'a str,
    state: &'a str,
    status: &'static str,
    domains: Vec<ConnectionDomain<'a>>,
    created_at: &'a str,
    updated_at: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_id: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct ConnectionDomain<'a> {
    id: &'a str,
    object: &'static str,
    domain: &'a str,
}

/// `Profile`: who signed in through a connection.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Profile {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    object: Name,
    id: String,
    organization_id: Option<String>,
    connection_id: String,
    connection_type: String,
    idp_id: String,
    email: String,
    first_name: Option<String>,
    last_name: Option<String>,
    name: Option<String>,
    role: Option<RoleSlug>,
    roles: Option<Vec<RoleSlug>>,
    groups: Vec<String>,
    custom_attributes: serde_json::Map<String, Value>,
    raw_attributes: RawAttributes,
}

/// A role of a profile, by slug.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct RoleSlug {
    slug: String,
}

/// What the identity provider sent about the profile.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RawAttributes {
    email: String,
    idp_id: String,
}

/// The body of `POST /connections` and `PATCH /connections/{id}` the model reads (the SAML and
/// OIDC options and attribute maps are accepted and not modelled).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ConnectionBody {
    organization_id: Option<String>,
    name: Option<String>,
    connection_type: Option<String>,
    #[serde(default)]
    saml_options: SamlOptions,
}

/// What the model reads of a connection body's `saml_options`: the identity provider's signing
/// certificates, kept as if added through `POST /connections/{id}/saml_idp_signing_certs`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SamlOptions {
    #[serde(default)]
    idp_signing_certs: Vec<String>,
}

/// 422 unless `kind` is one of the document's connection types.
fn check_type(kind: &str) -> ApiResult<()> {
    if TYPES.contains(&kind) {
        return Ok(());
    }
    Err(ApiError::invalid_field("connection_type", "invalid", format!("'{kind}' is not a connection type.")))
}

/// Adds a connection of the seed to the organization `organization_id`.
pub(crate) fn seed_connection(
    store: &mut Store,
    organization_id: &str,
    seed: &SeedConnection,
) -> ApiResult<()> {
    let kind = seed.connection_type.clone().unwrap_or_else(|| "GenericSAML".to_owned());
    check_type(&kind)?;
    let state = seed.state.clone().unwrap_or_else(|| "active".to_owned());
    if !matches!(state.as_str(), "active" | "inactive" | "draft" | "validating") {
        return Err(ApiError::invalid_field(
            "state",
            "invalid",
            format!("'{state}' is not a connection state."),
        ));
    }
    let domains = seed.domains.iter().map(|d| (store.ids.next("conn_domain"), d.to_lowercase())).collect();
    let id = store.ids.next("conn");
    let connection = Connection {
        domains,
        required: seed.required,
        ..Connection::new(id, Some(organization_id.to_owned()), kind, seed.name.clone(), &state)
    };
    store.sso.connections.push(connection);
    Ok(())
}

/// The active connections that require SSO for `email`'s domain.
pub(crate) fn required_for(store: &Store, email: &str) -> Vec<String> {
    let domain = email.rsplit('@').next().unwrap_or_default().to_lowercase();
    store
        .sso
        .connections
        .iter()
        .filter(|c| c.required && c.active() && c.has_domain(&domain))
        .map(|c| c.id.clone())
        .collect()
}

impl Store {
    /// The page of connections `query` asks for, filtered by `connection_type`,
    /// `organization_id`, `domain` and `search` (in the name, any case).
    pub(crate) fn connections_page(&self, query: &Query) -> Value {
        let kind = query.get("connection_type");
        let org = query.get("organization_id");
        let domain = query.get("domain").map(str::to_lowercase);
        let search = query.get("search").map(str::to_lowercase);
        let items = self
            .sso
            .connections
            .iter()
            .filter(|c| kind.is_none_or(|k| c.connection_type == k))
            .filter(|c| org.is_none_or(|o| c.organization_id.as_deref() == Some(o)))
            .filter(|c| domain.as_ref().is_none_or(|d| c.has_domain(d)))
            .filter(|c| search.as_ref().is_none_or(|s| c.name.to_lowercase().contains(s)))
            .collect();
        query.page_with(items, |c| &c.id, |c| c.answer())
    }

    /// The connection with `id`.
    pub(crate) fn connection(&self, id: &str) -> ApiResult<ConnectionAnswer<'_>> {
        Ok(self.sso.connections.get(id)?.answer())
    }

    /// Creates a connection of an organization (`organization_id` is required): `draft` until
    /// its identity provider is set up (which the emulator does not model), named after its
    /// type unless given a name.
    pub(crate) fn create_connection(&mut self, request: ConnectionBody) -> ApiResult<ConnectionAnswer<'_>> {
        let organization_id = request.organization_id.ok_or_else(|| {
            ApiError::invalid_field("organization_id", "required", "organization_id is required.")
        })?;
        self.organization(&organization_id)?;
        let kind = request.connection_type.unwrap_or_else(|| "GenericSAML".to_owned());
        check_type(&kind)?;
        let name = request.name.unwrap_or_else(|| kind.clone());
        let certificates =
            certificates::read_idp_signing_certificates(&request.saml_options.idp_signing_certs)?;
        let connection = Connection::new(self.ids.next("conn"), Some(organization_id), kind, name, "draft");
        let id = connection.id.clone();
        self.sso.connections.push(connection);
        self.keep_idp_signing_certificates(&id, certificates);
        Ok(self.sso.connections.last().expect("just pushed").answer())
    }

    /// Renames a connection or changes its type.
    pub(crate) fn update_connection(
        &mut self,
        id: &str,
        request: ConnectionBody,
    ) -> ApiResult<ConnectionAnswer<'_>> {
        let i = self.sso.connections.index_of(id)?;
        if let Some(kind) = &request.connection_type {
            check_type(kind)?;
        }
        let certificates =
            certificates::read_idp_signing_certificates(&request.saml_options.idp_signing_certs)?;
        self.keep_idp_signing_certificates(id, certificates);
        let c = &mut self.sso.connections[i];
        if let Some(name) = request.name {
            c.name = name;
        }
        if let Some(kind) = request.connection_type {
            c.connection_type = kind;
        }
        c.updated_at = now();
        Ok(c.answer())
    }

    /// Deletes a connection; its profiles' access tokens stop working.
    pub(crate) fn delete_connection(&mut self, id: &str) -> ApiResult<()> {
        self.sso.connections.take(id)?;
        self.sso.certificates.retain(|c| c.connection_id != id);
        let gone: Vec<&str> =
            self.sso.profiles.iter().filter(|p| p.connection_id == id).map(|p| p.id.as_str()).collect();
        self.sso.tokens.retain(|t| !gone.contains(&t.profile_id.as_str()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed(name: &str, domains: &[&str]) -> SeedConnection {
        SeedConnection {
            name: name.into(),
            organization: "Acme".into(),
            domains: domains.iter().map(|d| (*d).to_owned()).collect(),
            ..SeedConnection::default()
        }
    }

    fn body(value: Value) -> ConnectionBody {
        serde_json::from_value(value).expect("a connection body")
    }

    #[test]
    fn seeding_checks_the_type_and_state() {
        let mut store = Store::default();
        let e = seed_connection(
            &mut store,
            "org_1",
            &SeedConnection { connection_type: Some("Fax".into()), ..seed("A", &[]) },
        )
        .expect_err("no such type");
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "connection_type"));
        let e = seed_connection(
            &mut store,
            "org_1",
            &SeedConnection { state: Some("on".into()), ..seed("A", &[]) },
        )
        .expect_err("no such state");
        assert_eq!(e.message, "'on' is not a connection state.");
        seed_connection(&mut store, "org_1", &seed("Okta", &["ACME.test"])).expect("seeded");
        let answer = serde_json::to_value(store.connection(&store.sso.connections[0].id).expect("there"))
            .expect("json");
        assert_eq!((answer["state"].as_str(), answer["status"].as_str()), (Some("active"), Some("linked")));
        assert_eq!(answer["domains"][0]["domain"], "acme.test");
        assert_eq!(answer["organization_id"], "org_1");
    }

    #[test]
    fn a_required_connection_claims_its_domains_while_active() {
        let mut store = Store::default();
        seed_connection(
            &mut store,
            "org_1",
            &SeedConnection { required: true, ..seed("Okta", &["acme.test"]) },
        )
        .expect("seeded");
        seed_connection(&mut store, "org_1", &seed("Optional", &["acme.test"])).expect("seeded");
        let required = store.sso.connections[0].id.clone();
        assert_eq!(required_for(&store, "Ada@ACME.test"), [required]);
        assert!(required_for(&store, "ada@other.test").is_empty());
        store.sso.connections[0].state = "inactive".into();
        assert!(required_for(&store, "ada@acme.test").is_empty());
    }

    #[test]
    fn connections_are_made_as_drafts_of_an_existing_organization() {
        let mut store = Store::default();
        let e = store.create_connection(body(serde_json::json!({}))).expect_err("no organization");
        assert_eq!(e.errors[0].code, "required");
        assert_eq!(
            store
                .create_connection(body(serde_json::json!({"organization_id": "org_9"})))
                .expect_err("unknown")
                .status
                .as_u16(),
            404
        );
        let org = store.test_organization("Acme");
        let e = store
            .create_connection(body(serde_json::json!({"organization_id": org, "connection_type": "Fax"})))
            .expect_err("bad type");
        assert_eq!(e.errors[0].field, "connection_type");
        let made = store.create_connection(body(serde_json::json!({"organization_id": org}))).expect("made");
        assert_eq!((made.name, made.state, made.status), ("GenericSAML", "draft", "unlinked"));
        let id = made.id.to_owned();
        let updated = store
            .update_connection(&id, body(serde_json::json!({"name": "Okta", "connection_type": "OktaSAML"})))
            .expect("updated");
        assert_eq!((updated.name, updated.connection_type), ("Okta", "OktaSAML"));
        assert!(store.update_connection(&id, body(serde_json::json!({"connection_type": "Fax"}))).is_err());
        let e = store.update_connection("conn_9", ConnectionBody::default()).expect_err("unknown");
        assert_eq!(e.message, "Connection not found: 'conn_9'.");
    }

    #[test]
    fn the_list_filters_by_type_organization_domain_and_name() {
        let mut store = Store::default();
        seed_connection(&mut store, "org_1", &seed("Okta Staff", &["acme.test"])).expect("seeded");
        seed_connection(
            &mut store,
            "org_2",
            &SeedConnection { connection_type: Some("OktaSAML".into()), ..seed("Other", &[]) },
        )
        .expect("seeded");
        let names = |raw: &str| -> Vec<String> {
            let page = store.connections_page(&Query::parse(Some(raw)).expect("query"));
            page["data"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c["name"].as_str().map(str::to_owned))
                .collect()
        };
        assert_eq!(names("domain=ACME.test"), ["Okta Staff"]);
        assert_eq!(names("organization_id=org_2"), ["Other"]);
        assert_eq!(names("connection_type=GenericSAML"), ["Okta Staff"]);
        assert_eq!(names("search=staff"), ["Okta Staff"]);
        assert_eq!(names("").len(), 2);
    }
}
