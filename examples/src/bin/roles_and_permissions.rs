//! The roles-and-permissions flow of the WorkOS RBAC documentation, step by step:
//! create a permission, an organization and an organization role; add the permission and check
//! the role has it; replace the role's permission set; remove one permission; list the
//! organization's roles; page through the permissions; clean up.
//!
//! `cargo run -p workos-examples --bin roles_and_permissions` (set `WORKOS_API_KEY` to run it
//! against WorkOS; otherwise it starts the embedded emulator).

use futures::StreamExt;
use workos_api::types::{AddRolePermissionDto, CreateOrganizationRoleDto, SetRolePermissionsDto};
use workos_api::{ApiErrorExt, PageOptions};
use workos_examples::{BoxError, connect, organization, permission, run_id, say};

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let connection = connect().await?;
    let client = &connection.client;
    let run = run_id();

    // 1. Two permissions.
    let export = format!("reports-{run}:export");
    let view = format!("reports-{run}:view");
    for (slug, name) in [(&export, "Export reports"), (&view, "View reports")] {
        let created = client.create_permission(&permission(slug, name)).await?.into_inner();
        say(&format!("1. created permission {} ({})", created.slug, created.id));
    }

    // 2. An organization.
    let org = client.create_organization(&organization(format!("Example Org {run}"))).await?.into_inner();
    say(&format!("2. created organization {} ({})", org.name, org.id));

    // 3. An organization role.
    let role_slug = format!("org-report-manager-{run}");
    let role = client
        .create_organization_role(
            &org.id,
            &CreateOrganizationRoleDto {
                slug: Some(role_slug.clone()),
                name: "Report manager".to_owned(),
                description: Some("Manages reports".to_owned()),
                resource_type_slug: None,
            },
        )
        .await?
        .into_inner();
    say(&format!("3. created organization role {} ({:?})", role.slug, role.type_));

    // 4. Add a permission and check the role has it.
    client
        .add_organization_role_permission(&org.id, &role_slug, &AddRolePermissionDto { slug: export.clone() })
        .await?;
    let fetched = client.get_organization_role(&org.id, &role_slug).await?.into_inner();
    if !fetched.permissions.contains(&export) {
        return Err(format!("role {role_slug} should have {export}, has {:?}", fetched.permissions).into());
    }
    say(&format!("4. added {export}; the role now has {:?}", fetched.permissions));

    // 5. Replace the role's permission set.
    let set = SetRolePermissionsDto { permissions: vec![export.clone(), view.clone()] };
    let replaced = client.set_organization_role_permissions(&org.id, &role_slug, &set).await?.into_inner();
    say(&format!("5. replaced the permission set: {:?}", replaced.permissions));

    // 6. Remove one permission.
    let removed =
        client.remove_organization_role_permission(&org.id, &role_slug, &export).await?.into_inner();
    if removed.permissions != [view.clone()] {
        return Err(format!(
            "after removing {export} the role should have only {view}: {:?}",
            removed.permissions
        )
        .into());
    }
    say(&format!("6. removed {export}; the role keeps {:?}", removed.permissions));

    // 7. The organization's roles: environment roles first, then its own.
    let roles = client.list_organization_roles(&org.id).await?.into_inner();
    let slugs: Vec<String> = roles.data.iter().map(|r| format!("{} ({:?})", r.slug, r.type_)).collect();
    say(&format!("7. the organization has {} roles: {}", roles.data.len(), slugs.join(", ")));

    // 8. Page through the permissions, one a page, to show the cursors at work.
    let mut pages = client.list_permissions_pages(PageOptions::new().limit(1));
    let (mut page_count, mut permission_count) = (0, 0);
    while let Some(page) = pages.next().await {
        let page = page?;
        page_count += 1;
        permission_count += page.data.len();
    }
    say(&format!("8. paged through {permission_count} permissions in {page_count} page(s) of one"));

    // 9. Clean up.
    client.delete_organization_role(&org.id, &role_slug).await?;
    for slug in [&export, &view] {
        client.delete_permission(slug).await?;
    }
    client.delete_organization(&org.id).await?;
    match client.get_permission(&export).await {
        Err(e) if e.is_not_found() => say("9. cleaned up: role, permissions and organization deleted"),
        Err(e) => return Err(e.into()),
        Ok(_) => return Err(format!("permission {export} still exists after deletion").into()),
    }
    Ok(())
}
