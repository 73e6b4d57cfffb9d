//! `list_events` with an `events` filter streams typed events: the emulator serves the events its
//! own writes produced.
#![cfg(all(feature = "events", feature = "organizations", feature = "authorization"))]

use futures::TryStreamExt as _;
use workos_api::Event;
use workos_api::prelude::*;
use workos_api::types::{CreateAuthorizationPermissionDto, OrganizationDto};
use workos_emulator::Emulator;

#[tokio::test]
async fn a_filtered_event_stream_is_typed() -> Result<(), ApiError> {
    let emu = Emulator::start().await.expect("emulator");
    let client = Client::builder().base_url(emu.base_url()).api_key(emu.api_key()).build().expect("client");
    for name in ["Acme", "Globex", "Initech"] {
        client.organizations().create_organization(OrganizationDto::new(name)).await?;
    }
    client
        .authorization()
        .create_permission(CreateAuthorizationPermissionDto::new("posts:read", "Read"))
        .await?;

    let events: Vec<Event> = client
        .events()
        .list_events()
        .events(["organization.created", "permission.created"])
        .order(workos_api::types::PaginationOrder::Asc)
        .limit(2)
        .stream()
        .try_collect()
        .await?;
    let names: Vec<String> = events
        .iter()
        .map(|e| match e {
            Event::OrganizationCreated { data, .. } => format!("org {}", data.name),
            Event::PermissionCreated { data, .. } => format!("permission {}", data.slug),
            other => panic!("unexpected {}", other.event_name()),
        })
        .collect();
    assert_eq!(names, ["org Acme", "org Globex", "org Initech", "permission posts:read"]);
    Ok(())
}
