//! The environment's AuthKit settings (the JWT template, redirect URIs and CORS origins):
//! parse, call the model ([`crate::model::user_management::settings`]), render.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;

use crate::model::error::{ApiResult, parse_body};
use crate::model::user_management::{CreateCorsOrigin, CreateRedirectUri, SetJwtTemplate};
use crate::routes::Listing;
use crate::routes::{Db, created, empty, ok};

pub(crate) async fn get_jwt_template(State(db): Db) -> ApiResult<Response> {
    Ok(ok(db.store().jwt_template()))
}

pub(crate) async fn set_jwt_template(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let template: SetJwtTemplate = parse_body(&body)?;
    db.store().set_jwt_template(template).map(ok)
}

pub(crate) async fn create_redirect_uri(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let new: CreateRedirectUri = parse_body(&body)?;
    db.store().create_redirect_uri(new).map(created)
}

pub(crate) async fn list_redirect_uris(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    Ok(ok(db.store().list_redirect_uris(&query)))
}

pub(crate) async fn delete_redirect_uri(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    db.store().delete_redirect_uri(&id)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

pub(crate) async fn create_cors_origin(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let new: CreateCorsOrigin = parse_body(&body)?;
    db.store().create_cors_origin(new).map(created)
}

pub(crate) async fn list_cors_origins(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    Ok(ok(db.store().list_cors_origins(&query)))
}
