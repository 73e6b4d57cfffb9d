//! Widgets tokens ([`crate::model::widgets`]).

use axum::extract::State;
use axum::response::Response;
use bytes::Bytes;

use super::{Db, created};
use crate::model::error::{ApiResult, parse_body};
use crate::model::widgets;

/// `POST /widgets/token`: a signed token for the user with the widget scopes asked for.
pub(crate) async fn token(State(db): Db, body: Bytes) -> ApiResult<Response> {
    Ok(created(widgets::widget_token(&db.store(), parse_body(&body)?)?))
}
