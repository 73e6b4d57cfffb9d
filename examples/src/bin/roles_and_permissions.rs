//! The roles-and-permissions flow of the WorkOS RBAC documentation, step by step:
//! create a permission, an organization and an organization role; add the permission and check
//! the role has it; replace the role's permission set; remove one permission; list the
//! organization's roles; page through the permissions; clean up.
//!
//! `cargo run -p workos-examples --bin roles_and_permissions` (set `WORKOS_API_KEY` to run it
//! against WorkOS; otherwise it starts the embedded emulator).

use futures::StreamExt;
use workos_api::prelude::*;
use workos_api::types::{AddRolePermissionDto, CreateOrganizationRoleDto, SetRolePermissionsDto};
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
        let created = client.authorization().create_permission(permission(slug, name)).await?;
        say(&format!("1. created permission {} ({})", created.slug, created.id));
    }

    // 2. An organization.
    let org = client.organizations().create_organization(organization(format!("Example Org {run}"))).await?;
    say(&format!("2. created organization {} ({})", org.name, org.id));

    // 3. An organization role.
    let role_slug = format!("org-report-manager-{run}");
    let role = client
        .authorization()
        .create_organization_role(
            &org.id,
            CreateOrganizationRoleDto::new("Report manager").slug(&role_slug).description("Manages reports"),
        )
        .await?;
    say(&format!("3. created organization role {} ({:?})", role.slug, role.type_));

    // 4. Add a permission and check the role has it.
    let authorization = client.authorization();
    authorization
        .add_organization_role_permission(&org.id, &role_slug, AddRolePermissionDto::new(&export))
        .await?;
    let fetched = authorization.get_organization_role(&org.id, &role_slug).await?;
    if !fetched.permissions.contains(&export) {
        return Err(format!("role {role_slug} should have {export}, has {:?}", fetched.permissions).into());
    }
    say(&format!("4. added {export}; the role now has {:?}", fetched.permissions));

    // 5. Replace the role's permission set.
    let set = SetRolePermissionsDto::new([&export, &view]);
    let replaced = authorization.set_organization_role_permissions(&org.id, &role_slug, set).await?;
    say(&format!("5. replaced the permission set: {:?}", replaced.permissions));

    // 6. Remove one permission.
    let removed = authorization.remove_organization_role_permission(&org.id, &role_slug, &export).await?;
    if removed.permissions != [view.clone()] {
        return Err(format!(
            "after removing {export} the role should have only {view}: {:?}",
            removed.permissions
        )
        .into());
    }
    say(&format!("6. removed {export}; the role keeps {:?}", removed.permissions));

    // 7. The organization's roles: environment roles first, then its own.
    let roles = authorization.list_organization_roles(&org.id).await?;
    let slugs: Vec<String> = roles.data.iter().map(|r| format!("{} ({:?})", r.slug, r.type_)).collect();
    say(&format!("7. the organization has {} roles: {}", roles.data.len(), slugs.join(", ")));

    // 8. Page through the permissions, one a page, to show the cursors at work.
    let mut pages = authorization.list_permissions().pages_with(PageOptions::new().limit(1));
    let (mut page_count, mut permission_count) = (0, 0);
    while let Some(page) = pages.next().await {
        let page = page?;
        page_count += 1;
        permission_count += page.data.len();
    }
    say(&format!("8. paged through {permission_count} permissions in {page_count} page(s) of one"));

    // 9. Clean up.
    authorization.delete_organization_role(&org.id, &role_slug).await?;
    for slug in [&export, &view] {
        authorization.delete_permission(slug).await?;
    }
    client.organizations().delete_organization(&org.id).await?;
    match authorization.get_permission(&export).await {
        Err(e) if e.is_not_found() => say("9. cleaned up: role, permissions and organization deleted"),
        Err(e) => return Err(e.into()),
        Ok(_) => return Err(format!("permission {export} still exists after deletion").into()),
    }
    Ok(())
}
