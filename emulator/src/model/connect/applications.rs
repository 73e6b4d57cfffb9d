//! Connect applications (OAuth, first or third party, and M2M) and their client secrets.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::error::{ApiError, ApiResult, non_empty};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::urls::is_absolute_url;
use crate::model::{Name, Store};

records!(
    App => "Connect application",
    Secret => "Client secret",
);

/// An application as stored: `kind` is the document's `application_type` (`oauth` or `m2m`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct App {
    pub(super) id: String,
    pub(super) client_id: String,
    name: String,
    description: Option<String>,
    scopes: Vec<String>,
    kind: String,
    /// `(uri, default)`.
    pub(super) redirect_uris: Vec<(String, bool)>,
    uses_pkce: bool,
    is_first_party: bool,
    organization_id: Option<String>,
    created_at: String,
    updated_at: String,
}

/// A client secret: only its last four characters are kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Secret {
    pub(super) id: String,
    app_id: String,
    hint: String,
    last_used_at: Option<String>,
    created_at: String,
    updated_at: String,
}

/// The document's `ConnectApplication`: the shared fields, then the variant's.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Application {
    object: Name,
    pub(super) id: String,
    pub(super) client_id: String,
    description: Option<String>,
    name: String,
    scopes: Vec<String>,
    application_type: String,
    created_at: String,
    updated_at: String,
    #[serde(flatten)]
    variant: Variant,
}

/// The fields of an application's type.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
enum Variant {
    M2m {
        organization_id: Option<String>,
    },
    OAuth {
        redirect_uris: Vec<RedirectUri>,
        uses_pkce: bool,
        /// Set in the dashboard, which the emulator does not have: always empty.
        cors_origins: Vec<String>,
        is_first_party: bool,
        #[serde(flatten)]
        third_party: Option<ThirdParty>,
    },
}

/// The fields only a third-party OAuth application has.
#[derive(Debug, Clone, Serialize)]
struct ThirdParty {
    was_dynamically_registered: bool,
    organization_id: Option<String>,
}

/// A redirect URI as answers show it.
#[derive(Debug, Clone, Serialize)]
struct RedirectUri {
    uri: String,
    default: bool,
}

/// A redirect URI as a request gives it: the default is the first one unless one says so.
#[derive(Debug, Deserialize)]
pub(crate) struct RedirectUriInput {
    uri: String,
    default: Option<bool>,
}

impl App {
    pub(super) fn answer(&self) -> Application {
        let variant = if self.kind == "m2m" {
            Variant::M2m { organization_id: self.organization_id.clone() }
        } else {
            let third_party = (!self.is_first_party).then(|| ThirdParty {
                was_dynamically_registered: false,
                organization_id: self.organization_id.clone(),
            });
            Variant::OAuth {
                redirect_uris: self
                    .redirect_uris
                    .iter()
                    .map(|(uri, default)| RedirectUri { uri: uri.clone(), default: *default })
                    .collect(),
                uses_pkce: self.uses_pkce,
                cors_origins: Vec::new(),
                is_first_party: self.is_first_party,
                third_party,
            }
        };
        Application {
            object: "connect_application",
            id: self.id.clone(),
            client_id: self.client_id.clone(),
            description: self.description.clone(),
            name: self.name.clone(),
            scopes: self.scopes.clone(),
            application_type: self.kind.clone(),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            variant,
        }
    }
}

/// The document's `ApplicationCredentialsListItem`; `secret` (the value) in the creation's
/// answer only.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ClientSecret {
    object: Name,
    id: String,
    secret_hint: String,
    last_used_at: Option<String>,
    created_at: String,
    updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
}

impl Secret {
    fn answer(&self) -> ClientSecret {
        ClientSecret {
            object: "connect_application_secret",
            id: self.id.clone(),
            secret_hint: self.hint.clone(),
            last_used_at: self.last_used_at.clone(),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            secret: None,
        }
    }
}

/// `POST /connect/applications`.
#[derive(Debug, Deserialize)]
pub(crate) struct CreateApplication {
    name: String,
    application_type: String,
    description: Option<String>,
    scopes: Option<Vec<String>>,
    redirect_uris: Option<Vec<RedirectUriInput>>,
    uses_pkce: Option<bool>,
    is_first_party: Option<bool>,
    organization_id: Option<String>,
}

impl CreateApplication {
    /// `(is_first_party, uses_pkce)` by the application's type, or the 422 of a missing field.
    fn flags(&self) -> ApiResult<(bool, bool)> {
        let required = |field: &str, message: &str| ApiError::invalid_field(field, "required", message);
        match self.application_type.as_str() {
            "oauth" => {
                let first = self.is_first_party.ok_or_else(|| {
                    required("is_first_party", "is_first_party is required for an OAuth application.")
                })?;
                if !first && self.organization_id.is_none() {
                    return Err(required(
                        "organization_id",
                        "A third-party application needs the organization_id it belongs to.",
                    ));
                }
                Ok((first, self.uses_pkce.unwrap_or(false)))
            }
            "m2m" if self.organization_id.is_none() => {
                Err(required("organization_id", "An M2M application needs an organization_id."))
            }
            "m2m" => Ok((false, false)),
            other => Err(ApiError::invalid_field(
                "application_type",
                "invalid",
                format!("application_type must be oauth or m2m, not '{other}'."),
            )),
        }
    }
}

/// `PUT /connect/applications/{id}`: what it gives changes; a `null` description clears it.
#[derive(Debug, Deserialize)]
pub(crate) struct UpdateApplication {
    name: Option<String>,
    #[serde(default, deserialize_with = "crate::model::error::double_option")]
    description: Option<Option<String>>,
    scopes: Option<Vec<String>>,
    redirect_uris: Option<Vec<RedirectUriInput>>,
}

/// Redirect URIs as stored: absolute http(s) URLs, the first one the default when none is.
fn redirect_uris(given: Vec<RedirectUriInput>) -> ApiResult<Vec<(String, bool)>> {
    let mut out = Vec::new();
    for r in given {
        if !is_absolute_url(&r.uri) {
            return Err(ApiError::invalid_field(
                "redirect_uris",
                "invalid_url",
                format!("'{}' is not an absolute URL.", r.uri),
            ));
        }
        out.push((r.uri, r.default.unwrap_or(false)));
    }
    if !out.is_empty() && !out.iter().any(|(_, d)| *d) {
        out[0].1 = true;
    }
    Ok(out)
}

/// Applications and their secrets.
impl Store {
    /// An OAuth application (first or third party) or an M2M one.
    pub(crate) fn create_connect_application(&mut self, input: CreateApplication) -> ApiResult<Application> {
        non_empty("name", &input.name)?;
        if let Some(org) = &input.organization_id {
            self.organization(org)?;
        }
        let (is_first_party, uses_pkce) = input.flags()?;
        let redirect_uris = redirect_uris(input.redirect_uris.unwrap_or_default())?;
        let at = now();
        let app = App {
            id: self.ids.next("app"),
            client_id: self.ids.next("client"),
            name: input.name,
            description: input.description,
            scopes: input.scopes.unwrap_or_default(),
            kind: input.application_type,
            redirect_uris,
            uses_pkce,
            is_first_party,
            organization_id: input.organization_id,
            created_at: at.clone(),
            updated_at: at,
        };
        let answer = app.answer();
        self.connect.apps.push(app);
        Ok(answer)
    }

    /// A page of applications, filtered by `organization_id` and `registration_types`.
    pub(crate) fn connect_applications(&self, query: &Query) -> ApiResult<Value> {
        let org = query.get("organization_id");
        let types = query.get_list("registration_types");
        if let Some(bad) = types.iter().find(|t| !matches!(**t, "dynamic" | "authenticated")) {
            return Err(ApiError::invalid_field(
                "registration_types",
                "invalid",
                format!("'{bad}' is not a registration type."),
            ));
        }
        // The emulator registers applications through the API only: none is dynamic.
        let authenticated = types.is_empty() || types.contains(&"authenticated");
        let items = self
            .connect
            .apps
            .iter()
            .filter(|_| authenticated)
            .filter(|a| org.is_none_or(|o| a.organization_id.as_deref() == Some(o)))
            .collect();
        Ok(query.page_with(items, |a| &a.id, |a| a.answer()))
    }

    pub(crate) fn connect_application(&self, id: &str) -> ApiResult<Application> {
        Ok(self.connect.apps.get(id)?.answer())
    }

    /// Changes what `input` gives.
    pub(crate) fn update_connect_application(
        &mut self,
        id: &str,
        input: UpdateApplication,
    ) -> ApiResult<Application> {
        if let Some(name) = &input.name {
            non_empty("name", name)?;
        }
        let uris = input.redirect_uris.map(redirect_uris).transpose()?;
        let app = self.connect.apps.get_mut(id)?;
        if let Some(name) = input.name {
            app.name = name;
        }
        if let Some(description) = input.description {
            app.description = description;
        }
        if let Some(scopes) = input.scopes {
            app.scopes = scopes;
        }
        if let Some(uris) = uris {
            app.redirect_uris = uris;
        }
        app.updated_at = now();
        Ok(app.answer())
    }

    /// Deletes an application, its secrets, the grants users gave it and its sessions.
    pub(crate) fn delete_connect_application(&mut self, id: &str) -> ApiResult<()> {
        let data = &mut self.connect;
        data.apps.take(id)?;
        data.secrets.retain(|s| s.app_id != id);
        data.grants.retain(|g| g.app_id != id);
        data.sessions.retain(|s| s.app_id != id);
        Ok(())
    }

    /// The application's secrets (hints only), oldest first.
    pub(crate) fn connect_secrets(&self, app: &str) -> ApiResult<Vec<ClientSecret>> {
        self.connect.apps.get(app)?;
        Ok(self.connect.secrets.iter().filter(|s| s.app_id == app).map(Secret::answer).collect())
    }

    /// A new secret of the application: its value is in this answer only.
    pub(crate) fn create_connect_secret(&mut self, app: &str) -> ApiResult<ClientSecret> {
        self.connect.apps.get(app)?;
        let value = format!("sk_app_{}", crate::model::ids::token(40));
        let at = now();
        let secret = Secret {
            id: self.ids.next("secret"),
            app_id: app.to_owned(),
            hint: value[value.len() - 4..].to_owned(),
            last_used_at: None,
            created_at: at.clone(),
            updated_at: at,
        };
        let answer = ClientSecret { secret: Some(value), ..secret.answer() };
        self.connect.secrets.push(secret);
        Ok(answer)
    }

    pub(crate) fn delete_connect_secret(&mut self, id: &str) -> ApiResult<()> {
        self.connect.secrets.take(id).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::fixtures::{answer, bot, input, organization};
    use super::*;

    #[test]
    fn an_application_answers_the_fields_of_its_type() {
        let mut store = Store::default();
        let org = organization(&mut store);
        let third = answer(bot(&mut store, &org));
        assert_eq!(third["redirect_uris"], json!([{"uri": "https://bot.test/cb", "default": true}]));
        assert_eq!(
            (&third["organization_id"], &third["was_dynamically_registered"]),
            (&json!(org), &json!(false))
        );
        assert_eq!(third["cors_origins"], json!([]));
        let first = store
            .create_connect_application(input(json!({"name": "Own", "application_type": "oauth",
            "is_first_party": true, "uses_pkce": true})));
        let first = answer(first.expect("created"));
        assert!(first.get("organization_id").is_none() && first["uses_pkce"] == json!(true), "{first}");
        let m2m = store.create_connect_application(input(json!({"name": "M2M", "application_type": "m2m",
            "organization_id": org})));
        let m2m = answer(m2m.expect("created"));
        let keys: Vec<&String> = m2m.as_object().expect("object").keys().collect();
        assert_eq!(keys.last().map(|k| k.as_str()), Some("organization_id"));
        assert!(m2m.get("redirect_uris").is_none(), "{m2m}");
    }

    #[test]
    fn creating_an_application_checks_its_type_organization_and_uris() {
        let mut store = Store::default();
        let mut create = |body: Value| store.create_connect_application(input(body)).map(drop).unwrap_err();
        let e = create(json!({"name": "M", "application_type": "m2m"}));
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "organization_id"));
        let e = create(json!({"name": "O", "application_type": "oauth"}));
        assert_eq!(e.errors[0].field, "is_first_party");
        let e = create(json!({"name": "O", "application_type": "oauth", "is_first_party": false}));
        assert_eq!(e.errors[0].field, "organization_id");
        let e = create(json!({"name": "O", "application_type": "saml"}));
        assert_eq!((e.errors[0].field.as_str(), e.errors[0].code), ("application_type", "invalid"));
        let e = create(json!({"name": " ", "application_type": "m2m"}));
        assert_eq!(e.errors[0].field, "name");
        let e = create(json!({"name": "X", "application_type": "m2m", "organization_id": "org_missing"}));
        assert_eq!(e.message, "Organization not found: 'org_missing'.");
        let e = create(json!({"name": "X", "application_type": "oauth", "is_first_party": true,
            "redirect_uris": [{"uri": "not a url"}]}));
        assert_eq!(e.errors[0].code, "invalid_url");
        assert!(store.connect.apps.is_empty());
    }

    #[test]
    fn a_given_default_uri_stays_the_default() {
        let mut store = Store::default();
        let made = store.create_connect_application(input(json!({"name": "X", "application_type": "oauth",
            "is_first_party": true, "redirect_uris": [{"uri": "https://a.test"}, {"uri": "https://b.test", "default": true}]})));
        assert_eq!(
            answer(made.expect("created"))["redirect_uris"],
            json!([{"uri": "https://a.test", "default": false}, {"uri": "https://b.test", "default": true}])
        );
    }

    #[test]
    fn updates_change_what_they_give_and_an_unknown_id_is_a_404() {
        let mut store = Store::default();
        let org = organization(&mut store);
        let app = bot(&mut store, &org);
        let changed =
            store.update_connect_application(&app.id, input(json!({"name": "Docs", "description": null})));
        let changed = changed.expect("updated");
        assert_eq!(
            (changed.name.as_str(), changed.scopes.as_slice()),
            ("Docs", ["docs:read".to_owned()].as_slice())
        );
        let e = store.update_connect_application("app_missing", input(json!({}))).unwrap_err();
        assert_eq!(e.message, "Connect application not found: 'app_missing'.");
        let e = store.update_connect_application(&app.id, input(json!({"redirect_uris": [{"uri": "x"}]})));
        assert_eq!(e.unwrap_err().errors[0].field, "redirect_uris");
        assert_eq!(store.connect_application("app_missing").unwrap_err().status.as_u16(), 404);
    }

    #[test]
    fn listing_filters_by_organization_and_registration_type() {
        let mut store = Store::default();
        let org = organization(&mut store);
        bot(&mut store, &org);
        store
            .create_connect_application(input(
                json!({"name": "Own", "application_type": "oauth", "is_first_party": true}),
            ))
            .expect("created");
        let count = |store: &Store, raw: &str| {
            let page = store.connect_applications(&Query::parse(Some(raw)).expect("query")).expect("page");
            page["data"].as_array().map(Vec::len)
        };
        assert_eq!(count(&store, ""), Some(2));
        assert_eq!(count(&store, &format!("organization_id={org}")), Some(1));
        assert_eq!(count(&store, "registration_types=dynamic"), Some(0));
        assert_eq!(count(&store, "registration_types=authenticated"), Some(2));
        let bad = store.connect_applications(&Query::parse(Some("registration_types=x")).expect("query"));
        assert_eq!(bad.unwrap_err().errors[0].field, "registration_types");
    }

    #[test]
    fn a_secret_is_shown_once_and_deleted_with_its_application() {
        let mut store = Store::default();
        let org = organization(&mut store);
        let app = bot(&mut store, &org);
        let made = store.create_connect_secret(&app.id).expect("secret");
        let value = made.secret.clone().expect("the value, once");
        assert!(value.starts_with("sk_app_") && value.ends_with(&made.secret_hint));
        let listed = store.connect_secrets(&app.id).expect("listed");
        assert_eq!((listed.len(), listed[0].secret.is_none()), (1, true));
        assert_eq!(store.create_connect_secret("app_missing").unwrap_err().status.as_u16(), 404);
        store.delete_connect_application(&app.id).expect("deleted");
        assert!(store.connect.secrets.is_empty());
        let e = store.delete_connect_secret(&made.id).unwrap_err();
        assert_eq!(e.message, format!("Client secret not found: '{}'.", made.id));
        assert_eq!(store.delete_connect_application(&app.id).unwrap_err().status.as_u16(), 404);
    }
}
