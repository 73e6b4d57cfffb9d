//! A service written only against the public contract of the service-facing API (areas, required
//! inputs as arguments, setters, `.await`, `.stream()`, `new` + setters for bodies, error
//! predicates), run against the emulator: roles, permissions, organizations, users and
//! memberships, created, listed, read, updated and deleted.

use futures::TryStreamExt as _;
use workos_api::prelude::*;
use workos_api::types::{
    CreateAuthorizationPermissionDto, CreateOrganizationRoleDto, CreateUserlandUserDtoBase,
    CreateUserlandUserOrganizationMembershipDtoRoleSlug, OrganizationDto, UpdateAuthorizationPermissionDto,
    UpdateOrganizationDto, UpdateOrganizationRoleDto,
};
use workos_emulator::Emulator;

async fn client(emu: &Emulator) -> Client {
    Client::builder().base_url(emu.base_url()).api_key(emu.api_key()).build().expect("client")
}

#[tokio::test]
async fn roles_permissions_organizations_users_and_memberships() -> Result<(), ApiError> {
    let emu = Emulator::start().await.expect("emulator");
    let client = client(&emu).await;
    let authorization = client.authorization();

    // Permissions: create, get, update, list, and a 409 for a slug taken twice.
    let created = authorization
        .create_permission(CreateAuthorizationPermissionDto::new("docs:read", "Read docs"))
        .await?;
    assert_eq!(created.slug, "docs:read");
    let duplicate = authorization
        .create_permission(CreateAuthorizationPermissionDto::new("docs:read", "Again"))
        .await
        .expect_err("the slug is taken");
    assert!(duplicate.is_conflict(), "{duplicate}");
    assert!(!duplicate.to_string().contains('\n'));
    let updated = authorization
        .update_permission("docs:read", UpdateAuthorizationPermissionDto::new().name("Read documents"))
        .await?;
    assert_eq!(updated.name, "Read documents");
    assert_eq!(authorization.get_permission("docs:read").await?.name, "Read documents");
    let listed = authorization.list_permissions().limit(10).await?;
    assert!(listed.data.iter().any(|p| p.slug == "docs:read"));

    // Organizations: create, get, update, list.
    let org = client.organizations().create_organization(OrganizationDto::new("Acme")).await?;
    let renamed = client
        .organizations()
        .update_organization(&org.id, UpdateOrganizationDto::new().name("Acme Inc"))
        .await?;
    assert_eq!(renamed.name, "Acme Inc");
    assert_eq!(client.organizations().get_organization(&org.id).await?.name, "Acme Inc");
    let orgs: Vec<_> = client.organizations().list_organizations().stream().try_collect().await?;
    assert!(orgs.iter().any(|o| o.id == org.id));

    // Organization roles: create, add a permission, update, get, list, delete.
    let role = authorization
        .create_organization_role(&org.id, CreateOrganizationRoleDto::new("Reader").slug("org-reader"))
        .await?;
    assert_eq!(role.slug, "org-reader");
    let role = authorization
        .update_organization_role(
            &org.id,
            "org-reader",
            UpdateOrganizationRoleDto::new().description("Reads"),
        )
        .await?;
    assert_eq!(role.description.as_deref(), Some("Reads"));
    let roles = authorization.list_organization_roles(&org.id).await?;
    assert!(roles.data.iter().any(|r| r.slug == "org-reader"));

    // Users and memberships: create, get, a filtered stream, delete; 404 once gone.
    let mut user_ids = Vec::new();
    for name in ["ada", "grace", "linus"] {
        let user = client
            .user_management()
            .create_user(CreateUserlandUserDtoBase::new(format!("{name}@example.com")).first_name(name))
            .await?;
        assert_eq!(client.user_management().get_user(&user.id).await?.email, format!("{name}@example.com"));
        client
            .user_management()
            .create_organization_membership(CreateUserlandUserOrganizationMembershipDtoRoleSlug::new(
                &user.id,
                &org.id,
                "org-reader",
            ))
            .await?;
        user_ids.push(user.id);
    }
    let members: Vec<_> = client
        .user_management()
        .list_organization_memberships()
        .organization_id(&org.id)
        .limit(2)
        .stream()
        .try_collect()
        .await?;
    assert_eq!(members.len(), 3, "three members, two a page");
    assert!(members.iter().all(|m| m.organization_id == org.id));
    let membership = &members[0];
    assert_eq!(client.user_management().get_organization_membership(&membership.id).await?.id, membership.id);
    client.user_management().delete_organization_membership(&membership.id).await?;
    let gone =
        client.user_management().get_organization_membership(&membership.id).await.expect_err("deleted");
    assert!(gone.is_not_found(), "{gone}");
    for id in &user_ids {
        client.user_management().delete_user(id).await?;
    }
    assert!(client.user_management().get_user(&user_ids[0]).await.expect_err("deleted").is_not_found());

    // Clean up: the role, the permission, the organization.
    authorization.delete_organization_role(&org.id, "org-reader").await?;
    authorization.delete_permission("docs:read").await?;
    client.organizations().delete_organization(&org.id).await?;
    let missing = client.organizations().get_organization(&org.id).await.expect_err("deleted");
    assert!(missing.is_not_found());
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));
    Ok(())
}
