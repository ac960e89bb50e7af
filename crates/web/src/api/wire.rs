//! From the store's types to the wire's: the only place that knows both, so a store change
//! never changes the JSON by accident.

use aimsgap_wire::api as wire;

pub(crate) fn role(role: aimsgap_store::Role) -> wire::Role {
    match role {
        aimsgap_store::Role::Owner => wire::Role::Owner,
        aimsgap_store::Role::Editor => wire::Role::Editor,
        aimsgap_store::Role::Viewer => wire::Role::Viewer,
        aimsgap_store::Role::Auditor => wire::Role::Auditor,
    }
}

pub(crate) fn store_role(role: wire::Role) -> aimsgap_store::Role {
    match role {
        wire::Role::Owner => aimsgap_store::Role::Owner,
        wire::Role::Editor => aimsgap_store::Role::Editor,
        wire::Role::Viewer => aimsgap_store::Role::Viewer,
        wire::Role::Auditor => aimsgap_store::Role::Auditor,
    }
}

pub(crate) fn user(user: &aimsgap_store::User) -> wire::User {
    wire::User {
        id: user.id.clone(),
        email: user.email.clone(),
        name: user.name.clone(),
    }
}

pub(crate) fn versioned(v: &aimsgap_store::Versioned) -> wire::Versioned {
    wire::Versioned {
        key: v.key.clone(),
        value: v.value.clone(),
        version: v.version,
        updated_at: v.updated_at.clone(),
        updated_by: v.updated_by.clone(),
    }
}

/// A version as the store counts it; the wire's is never negative.
pub(crate) fn version(version: u64) -> Result<i64, crate::ApiError> {
    i64::try_from(version)
        .map_err(|_| crate::ApiError::BadRequest("field `version` is too large".into()))
}
