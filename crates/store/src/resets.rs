//! Password reset links (migration 0007): one-time secrets stored as their SHA-256, valid for
//! an hour, used by one atomic UPDATE so that two racing uses succeed once; and the address an
//! invitation was mailed to.

use crate::ids::{hash_token, now_rfc3339, since_epoch};
use crate::store::{Store, StoreError, User};
use sqlx::Row;

type Result<T> = std::result::Result<T, StoreError>;

/// How long a password reset link works.
pub const RESET_SECONDS: u64 = 3600;

fn user_of(row: &sqlx::any::AnyRow) -> Result<User> {
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
    })
}

impl Store {
    /// Stores a password reset link for `user_id` by the hash of its secret, valid until
    /// `expires_at` (RFC 3339; [`crate::in_seconds`]`(`[`RESET_SECONDS`]`)` for the usual hour).
    pub async fn create_password_reset(
        &self,
        user_id: &str,
        secret: &str,
        expires_at: &str,
    ) -> Result<()> {
        sqlx::query("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, NULL)")
            .bind(hash_token(secret))
            .bind(user_id)
            .bind(now_rfc3339())
            .bind(expires_at)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The write a reset request for an address without an account makes in place of
    /// storing a link: an UPDATE by the hash of `secret` that matches no row, so that the
    /// database does the same shape of work (a write by a fresh hash) for any address.
    pub async fn password_reset_decoy(&self, secret: &str) -> Result<()> {
        sqlx::query("UPDATE password_resets SET used_at = used_at WHERE token_hash = $1")
            .bind(hash_token(secret))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The account a reset link opens, if it is unused and unexpired; nothing is used.
    pub async fn password_reset_user(&self, secret: &str) -> Result<Option<User>> {
        let row = sqlx::query("SELECT u.id, u.email, u.name FROM password_resets r JOIN users u ON u.id = r.user_id WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2")
            .bind(hash_token(secret))
            .bind(now_rfc3339())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(user_of).transpose()
    }

    /// Uses a reset link once: in one write, the link is marked used (only if it is unused and
    /// unexpired: the one UPDATE decides, so of two racing uses one wins), the account's
    /// password becomes `password_hash`, every session of the account ends and its other reset
    /// links are deleted. Returns the account and how many sessions ended; a used, expired or
    /// unknown link is [`StoreError::NotFound`] and changes nothing.
    pub async fn use_password_reset(
        &self,
        secret: &str,
        password_hash: &str,
    ) -> Result<(User, u64)> {
        let hash = hash_token(secret);
        let now = now_rfc3339();
        let mut tx = self.write().await?;
        let used = sqlx::query("UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1")
            .bind(&now)
            .bind(&hash)
            .execute(&mut *tx)
            .await?;
        if used.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let row = sqlx::query("SELECT u.id, u.email, u.name FROM password_resets r JOIN users u ON u.id = r.user_id WHERE r.token_hash = $1")
            .bind(&hash)
            .fetch_one(&mut *tx)
            .await?;
        let user = user_of(&row)?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(&user.id)
            .execute(&mut *tx)
            .await?;
        let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(&user.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM password_resets WHERE user_id = $1 AND token_hash <> $2")
            .bind(&user.id)
            .bind(&hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((user, ended))
    }

    /// Deletes reset links that expired at or before `now` (seconds since the Unix epoch), used
    /// or not; returns how many.
    pub async fn purge_password_resets(&self, now: u64) -> Result<u64> {
        Ok(
            sqlx::query("DELETE FROM password_resets WHERE expires_at <= $1")
                .bind(crate::ids::rfc3339(now))
                .execute(self.pool())
                .await?
                .rows_affected(),
        )
    }

    /// [`Store::purge_password_resets`] at the current time.
    pub async fn purge_password_resets_now(&self) -> Result<u64> {
        self.purge_password_resets(since_epoch().as_secs()).await
    }

    /// Keeps the invitee's address with an organisation's invitation (the address it was
    /// mailed to). An unknown id is [`StoreError::NotFound`].
    pub async fn set_invitation_email(&self, org_id: &str, id: &str, email: &str) -> Result<()> {
        let done = sqlx::query("UPDATE invitations SET email = $1 WHERE org_id = $2 AND id = $3")
            .bind(email)
            .bind(org_id)
            .bind(id)
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The address an organisation's invitation names, if any.
    pub async fn invitation_email(&self, org_id: &str, id: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT email FROM invitations WHERE org_id = $1 AND id = $2")
            .bind(org_id)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(row) => Ok(row.try_get("email")?),
            None => Ok(None),
        }
    }
}
