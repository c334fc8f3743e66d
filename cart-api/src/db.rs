//! The database: connection pool, migrations and the catalogue seed.

use std::str::FromStr;
use std::time::Duration;

use contracts::api::{Category, Product};
use serde::Deserialize;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the catalogue fixture is invalid: {0}")]
    Fixture(#[from] serde_json::Error),
    #[error("cannot seed the demo account: {0}")]
    Seed(String),
    #[error("cannot create the database directory: {0}")]
    Io(#[from] std::io::Error),
}

/// Opens (creating if needed) the database, migrates it and seeds the catalogue.
pub async fn connect(url: &str) -> Result<SqlitePool, DbError> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        // WAL lets readers run beside the writer. In WAL mode NORMAL already keeps every
        // committed transaction when the process is killed (the WAL is written before COMMIT
        // returns); only a power cut can lose the last ones. FULL would fsync every commit.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true);
    if let Some(parent) = options.get_filename().parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent)?;
        }
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    seed_catalogue(&pool).await?;
    crate::domain::identity::seed_demo_account(&pool).await.map_err(|e| DbError::Seed(e.to_string()))?;
    Ok(pool)
}

#[derive(Deserialize)]
struct Fixture {
    categories: Vec<Category>,
    products: Vec<FixtureProduct>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FixtureProduct {
    #[serde(flatten)]
    product: Product,
    added_at: String,
}

/// Brings the catalogue in line with `fixtures/catalog.json`. Stock is live data, so an existing
/// variant keeps its stock.
async fn seed_catalogue(pool: &SqlitePool) -> Result<(), DbError> {
    let fixture: Fixture = serde_json::from_str(include_str!("../fixtures/catalog.json"))?;
    let mut tx = pool.begin().await?;
    for (position, c) in fixture.categories.iter().enumerate() {
        sqlx::query(
            "INSERT INTO categories (slug, name, position) VALUES (?, ?, ?)
             ON CONFLICT(slug) DO UPDATE SET name = excluded.name, position = excluded.position",
        )
        .bind(&c.slug)
        .bind(&c.name)
        .bind(position as i64)
        .execute(&mut *tx)
        .await?;
    }
    for FixtureProduct { product: p, added_at } in &fixture.products {
        sqlx::query(
            "INSERT INTO products (id, name, description, category, price_amount, price_currency, images, added_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name, description = excluded.description,
               category = excluded.category, price_amount = excluded.price_amount,
               price_currency = excluded.price_currency, images = excluded.images, added_at = excluded.added_at",
        )
        .bind(p.id)
        .bind(&p.name)
        .bind(&p.description)
        .bind(&p.category)
        .bind(p.price.amount)
        .bind(&p.price.currency)
        .bind(serde_json::to_string(&p.images)?)
        .bind(added_at)
        .execute(&mut *tx)
        .await?;
        for (position, v) in p.variants.iter().enumerate() {
            sqlx::query(
                "INSERT INTO variants (product_id, id, name, stock, position) VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT(product_id, id) DO UPDATE SET name = excluded.name, position = excluded.position",
            )
            .bind(p.id)
            .bind(&v.id)
            .bind(&v.name)
            .bind(v.stock)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_is_a_believable_catalogue() {
        let fixture: Fixture = serde_json::from_str(include_str!("../fixtures/catalog.json")).unwrap();
        assert!(fixture.products.len() >= 48);
        assert!(fixture.categories.len() >= 4);
        let with_variants = fixture.products.iter().filter(|p| p.product.variants.len() >= 2).count();
        assert!(with_variants * 3 >= fixture.products.len(), "a third need two or more variants");
        for FixtureProduct { product: p, .. } in &fixture.products {
            assert!(!p.variants.is_empty(), "{} has no variant", p.name);
            assert!(fixture.categories.iter().any(|c| c.slug == p.category), "{}", p.name);
            assert!(p.images.iter().all(|i| i.starts_with("/images/")), "images are same-origin");
        }
    }
}
