//! Two-factor sign-in (migration 0009): each account's TOTP secret and the last time step
//! accepted, its recovery codes (hashed), the sign-ins waiting for their second step, and the
//! organisations that require two factors of their members.
//!
//! The store neither makes nor checks codes: the web crate does (it computes them from the
//! secret). What the store guarantees is that each step and each recovery code is taken at
//! most once, even by two requests at the same instant: [`Store::take_step`] and
//! [`Store::use_recovery_code`] are single conditional writes.

use crate::ids::{hash_token, now_rfc3339};
use crate::store::{Store, StoreError};
use sqlx::Row;

type Result<T> = std::result::Result<T, StoreError>;

/// An account's two-factor state.
#[derive(Clone, PartialEq, Eq)]
pub struct TwoFactor {
    /// The TOTP secret as base32 text.
    pub secret: String,
    /// When two-factor sign-in was turned on; `None` while enrolling.
    pub enabled_at: Option<String>,
    /// The last time step whose code was accepted.
    pub last_step: i64,
}

impl std::fmt::Debug for TwoFactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwoFactor")
            .field("secret", &"(hidden)")
            .field("enabled_at", &self.enabled_at)
            .field("last_step", &self.last_step)
            .finish()
    }
}

impl Store {
    /// An account's two-factor row, enrolling or on.
    pub async fn two_factor(&self, user_id: &str) -> Result<Option<TwoFactor>> {
        let row =
            sqlx::query("SELECT secret, enabled_at, last_step FROM two_factor WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(self.pool())
                .await?;
        row.map(|row| {
            Ok(TwoFactor {
                secret: row.try_get("secret")?,
                enabled_at: row.try_get("enabled_at")?,
                last_step: row.try_get("last_step")?,
            })
        })
        .transpose()
    }

    /// Whether an account has two-factor sign-in on.
    pub async fn two_factor_on(&self, user_id: &str) -> Result<bool> {
        Ok(self
            .two_factor(user_id)
            .await?
            .is_some_and(|t| t.enabled_at.is_some()))
    }

    /// The enrolling secret of an account: the one stored, or `secret` stored now. An account
    /// with two-factor on keeps its secret and gets `None`.
    pub async fn enrolling_secret(&self, user_id: &str, secret: &str) -> Result<Option<String>> {
        sqlx::query(
            "INSERT INTO two_factor (user_id, secret, enabled_at, last_step, created_at) VALUES ($1, $2, NULL, 0, $3) ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(secret)
        .bind(now_rfc3339())
        .execute(self.pool())
        .await?;
        Ok(self
            .two_factor(user_id)
            .await?
            .filter(|t| t.enabled_at.is_none())
            .map(|t| t.secret))
    }

    /// Turns two-factor sign-in on for an enrolling account whose code of `step` was right,
    /// with new recovery codes (their hashes); `false` when the account was not enrolling
    /// with `secret` (it changed or was turned on meanwhile): nothing changed then.
    pub async fn enable_two_factor(
        &self,
        user_id: &str,
        secret: &str,
        step: i64,
        code_hashes: &[String],
    ) -> Result<bool> {
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "UPDATE two_factor SET enabled_at = $1, last_step = $2 WHERE user_id = $3 AND secret = $4 AND enabled_at IS NULL",
        )
        .bind(now_rfc3339())
        .bind(step)
        .bind(user_id)
        .bind(secret)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        replace_codes(&mut tx, user_id, code_hashes).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Takes a time step of an account with two-factor on: `true` if it is later than every
    /// step taken before (so its code is accepted, once), `false` if it was taken already.
    pub async fn take_step(&self, user_id: &str, step: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE two_factor SET last_step = $1 WHERE user_id = $2 AND last_step < $1 AND enabled_at IS NOT NULL",
        )
        .bind(step)
        .bind(user_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Uses an unused recovery code of an account (given as the hash of its normalised text):
    /// `true` if it was unused, and now is used.
    pub async fn use_recovery_code(&self, user_id: &str, code_hash: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now_rfc3339())
        .bind(user_id)
        .bind(code_hash)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// How many unused recovery codes an account has.
    pub async fn recovery_codes_left(&self, user_id: &str) -> Result<i64> {
        Ok(sqlx::query(
            "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(self.pool())
        .await?
        .try_get("n")?)
    }

    /// Replaces every recovery code of an account with two-factor on; `false` if it is off.
    pub async fn renew_recovery_codes(
        &self,
        user_id: &str,
        code_hashes: &[String],
    ) -> Result<bool> {
        let mut tx = self.write().await?;
        let on = sqlx::query(
            "SELECT 1 AS one FROM two_factor WHERE user_id = $1 AND enabled_at IS NOT NULL",
        )
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
        if !on {
            tx.rollback().await?;
            return Ok(false);
        }
        replace_codes(&mut tx, user_id, code_hashes).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Turns two-factor sign-in off: the secret, the recovery codes and any sign-in waiting
    /// for its second step go.
    pub async fn disable_two_factor(&self, user_id: &str) -> Result<()> {
        let mut tx = self.write().await?;
        for statement in [
            "DELETE FROM recovery_codes WHERE user_id = $1",
            "DELETE FROM two_factor_pending WHERE user_id = $1",
            "DELETE FROM two_factor WHERE user_id = $1",
        ] {
            sqlx::query(statement)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Stores a sign-in waiting for its second step, by the hash of its secret; the user's
    /// expired ones go.
    pub async fn create_pending_sign_in(
        &self,
        user_id: &str,
        secret: &str,
        expires_at: &str,
    ) -> Result<()> {
        sqlx::query("DELETE FROM two_factor_pending WHERE user_id = $1 AND expires_at <= $2")
            .bind(user_id)
            .bind(now_rfc3339())
            .execute(self.pool())
            .await?;
        sqlx::query(
            "INSERT INTO two_factor_pending (secret_hash, user_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(hash_token(secret))
        .bind(user_id)
        .bind(expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The user of a live pending sign-in.
    pub async fn pending_sign_in(&self, secret: &str) -> Result<Option<crate::User>> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name FROM two_factor_pending p JOIN users u ON u.id = p.user_id WHERE p.secret_hash = $1 AND p.expires_at > $2",
        )
        .bind(hash_token(secret))
        .bind(now_rfc3339())
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(crate::User {
                id: row.try_get("id")?,
                email: row.try_get("email")?,
                name: row.try_get("name")?,
            })
        })
        .transpose()
    }

    /// Ends a pending sign-in (it became a session, or was abandoned).
    pub async fn delete_pending_sign_in(&self, secret: &str) -> Result<()> {
        sqlx::query("DELETE FROM two_factor_pending WHERE secret_hash = $1")
            .bind(hash_token(secret))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Whether an organisation requires two-factor sign-in of its members.
    pub async fn two_factor_required(&self, org_id: &str) -> Result<bool> {
        Ok(
            sqlx::query("SELECT 1 AS one FROM org_two_factor WHERE org_id = $1")
                .bind(org_id)
                .fetch_optional(self.pool())
                .await?
                .is_some(),
        )
    }

    /// Sets whether an organisation requires two-factor sign-in; `true` if that changed it.
    pub async fn set_two_factor_required(
        &self,
        org_id: &str,
        required: bool,
        by: &str,
    ) -> Result<bool> {
        let done = if required {
            sqlx::query(
                "INSERT INTO org_two_factor (org_id, required_by, required_at) VALUES ($1, $2, $3) ON CONFLICT (org_id) DO NOTHING",
            )
            .bind(org_id)
            .bind(by)
            .bind(now_rfc3339())
            .execute(self.pool())
            .await?
        } else {
            sqlx::query("DELETE FROM org_two_factor WHERE org_id = $1")
                .bind(org_id)
                .execute(self.pool())
                .await?
        };
        Ok(done.rows_affected() > 0)
    }

    /// Whether a member must turn two-factor sign-in on before using an organisation: it
    /// requires two factors and the member has them off. One query, asked on every
    /// organisation request of a session.
    pub async fn lacks_required_two_factor(&self, org_id: &str, user_id: &str) -> Result<bool> {
        Ok(sqlx::query(
            "SELECT 1 AS one FROM org_two_factor o WHERE o.org_id = $1 AND NOT EXISTS (SELECT 1 FROM two_factor t WHERE t.user_id = $2 AND t.enabled_at IS NOT NULL)",
        )
        .bind(org_id)
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?
        .is_some())
    }

    /// The names of a user's organisations that require two-factor sign-in.
    pub async fn orgs_requiring_two_factor(&self, user_id: &str) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT o.name FROM org_two_factor r JOIN organizations o ON o.id = r.org_id JOIN memberships m ON m.org_id = r.org_id WHERE m.user_id = $1 ORDER BY o.name",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|row| Ok(row.try_get("name")?)).collect()
    }
}

async fn replace_codes(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    user_id: &str,
    code_hashes: &[String],
) -> Result<()> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    for hash in code_hashes {
        sqlx::query(
            "INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES ($1, $2, NULL)",
        )
        .bind(user_id)
        .bind(hash)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
