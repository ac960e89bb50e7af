//! Single sign-on: the identities of an OpenID Connect provider linked to accounts, and the
//! sign-ins on their way through the provider (migration 0010).

use crate::ids::{hash_token, now_rfc3339};
use crate::store::{Role, Store, StoreError, User};
use sqlx::Row;

type Result<T> = std::result::Result<T, StoreError>;

/// An identity of a provider linked to an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OidcIdentity {
    pub issuer: String,
    pub subject: String,
    pub user_id: String,
    /// The address the provider gave when the link was made.
    pub email: String,
    /// RFC 3339 UTC.
    pub linked_at: String,
}

impl Store {
    /// The account an identity (issuer, subject) is linked to, if any.
    pub async fn oidc_user(&self, issuer: &str, subject: &str) -> Result<Option<User>> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name FROM oidc_identities i JOIN users u ON u.id = i.user_id \
             WHERE i.issuer = $1 AND i.subject = $2",
        )
        .bind(issuer)
        .bind(subject)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(User {
                id: row.try_get("id")?,
                email: row.try_get("email")?,
                name: row.try_get("name")?,
            })
        })
        .transpose()
    }

    /// Links an identity to an account. An identity already linked is
    /// [`StoreError::Exists`] and changes nothing.
    pub async fn link_oidc(
        &self,
        issuer: &str,
        subject: &str,
        user_id: &str,
        email: &str,
    ) -> Result<()> {
        let done = sqlx::query(
            "INSERT INTO oidc_identities (issuer, subject, user_id, email, linked_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (issuer, subject) DO NOTHING",
        )
        .bind(issuer)
        .bind(subject)
        .bind(user_id)
        .bind(email)
        .bind(now_rfc3339())
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Exists("this identity's link".into()));
        }
        Ok(())
    }

    /// The identities linked to an account.
    pub async fn oidc_identities_of(&self, user_id: &str) -> Result<Vec<OidcIdentity>> {
        let rows = sqlx::query(
            "SELECT issuer, subject, user_id, email, linked_at FROM oidc_identities \
             WHERE user_id = $1 ORDER BY issuer, subject",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(OidcIdentity {
                    issuer: row.try_get("issuer")?,
                    subject: row.try_get("subject")?,
                    user_id: row.try_get("user_id")?,
                    email: row.try_get("email")?,
                    linked_at: row.try_get("linked_at")?,
                })
            })
            .collect()
    }

    /// Makes a user a member of an organisation with `role`, or gives a member that role.
    /// Returns the role held before (`None`: not a member). Taking the owner role from the
    /// organisation's last owner is [`StoreError::LastOwner`] and changes nothing.
    pub async fn grant_role(
        &self,
        org_id: &str,
        user_id: &str,
        role: Role,
    ) -> Result<Option<Role>> {
        let before = self.role(org_id, user_id).await?;
        match before {
            Some(held) if held == role => Ok(before),
            Some(_) => {
                self.set_role(org_id, user_id, role).await?;
                Ok(before)
            }
            None => {
                let done = sqlx::query(
                    "INSERT INTO memberships (org_id, user_id, role, created_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (org_id, user_id) DO NOTHING",
                )
                .bind(org_id)
                .bind(user_id)
                .bind(role.as_str())
                .bind(now_rfc3339())
                .execute(self.pool())
                .await?;
                if done.rows_affected() == 0 {
                    // Added meanwhile by another request: give it the role as a member.
                    let now = self.role(org_id, user_id).await?;
                    if now != Some(role) {
                        self.set_role(org_id, user_id, role).await?;
                    }
                    return Ok(now);
                }
                Ok(None)
            }
        }
    }

    /// Keeps a sign-in on its way through the provider until `expires_at` (RFC 3339 UTC),
    /// under the hash of the browser's secret; expired ones are deleted on the way.
    pub async fn begin_oidc_sign_in(
        &self,
        secret: &str,
        next: Option<&str>,
        expires_at: &str,
    ) -> Result<()> {
        // Sign-ins never finished are dropped here, so the table holds only the last few
        // minutes' worth however many are begun.
        sqlx::query("DELETE FROM oidc_pending WHERE expires_at <= $1")
            .bind(now_rfc3339())
            .execute(self.pool())
            .await?;
        sqlx::query("INSERT INTO oidc_pending (id_hash, next, expires_at) VALUES ($1, $2, $3)")
            .bind(hash_token(secret))
            .bind(next)
            .bind(expires_at)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Takes the sign-in kept under `secret`, once: `None` when there is none, it was taken
    /// already or it expired. Gives the page to return to, if one was kept. Expired ones are
    /// deleted on the way.
    pub async fn take_oidc_sign_in(&self, secret: &str) -> Result<Option<Option<String>>> {
        let now = now_rfc3339();
        sqlx::query("DELETE FROM oidc_pending WHERE expires_at <= $1")
            .bind(&now)
            .execute(self.pool())
            .await?;
        let row =
            sqlx::query("DELETE FROM oidc_pending WHERE id_hash = $1 RETURNING next, expires_at")
                .bind(hash_token(secret))
                .fetch_optional(self.pool())
                .await?;
        match row {
            None => Ok(None),
            Some(row) => {
                let expires: String = row.try_get("expires_at")?;
                if expires <= now {
                    return Ok(None);
                }
                Ok(Some(row.try_get("next")?))
            }
        }
    }
}
