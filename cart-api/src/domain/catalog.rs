//! The catalogue: products, variants, categories, and the listing query.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use contracts::api::{Category, Money, Product, ProductPage, Recommendations, Variant, RECOMMENDED};
use serde::Deserialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::Db;

use super::error::DomainError;

pub use contracts::api::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// The query string of `GET /api/products`, as sent. Everything is optional.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Words the name or the description must contain.
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// A category's slug.
    pub category: Option<String>,
    /// `featured` (the default), `price-asc`, `price-desc`, `name` or `newest`.
    #[param(pattern = "^(featured|price-asc|price-desc|name|newest)?$")]
    pub sort: Option<String>,
    /// From 1.
    #[param(minimum = 1)]
    pub page: Option<u32>,
    /// At most 48; 12 when not given.
    #[param(minimum = 1, maximum = 48)]
    pub page_size: Option<u32>,
    /// In minor units, inclusive.
    #[param(minimum = 0)]
    pub min_price: Option<i64>,
    /// In minor units, inclusive.
    #[param(minimum = 0)]
    pub max_price: Option<i64>,
    /// Only products with a variant in stock.
    pub in_stock: Option<bool>,
    /// The name of a variant the product must have, e.g. `red` or `xl`, in any case.
    #[param(min_length = 1, max_length = 40)]
    pub variant: Option<String>,
}

/// The longest `variant` filter accepted; every real variant name is far shorter.
pub const MAX_VARIANT_LEN: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// The catalogue's own order.
    Featured,
    PriceAsc,
    PriceDesc,
    Name,
    Newest,
}

impl Sort {
    fn parse(value: &str) -> Result<Self, DomainError> {
        Ok(match value {
            "featured" | "" => Sort::Featured,
            "price-asc" => Sort::PriceAsc,
            "price-desc" => Sort::PriceDesc,
            "name" => Sort::Name,
            "newest" => Sort::Newest,
            other => {
                return Err(DomainError::Invalid(format!(
                    "sort={other:?} is not one of {}",
                    contracts::api::PRODUCT_SORTS.join(", ")
                )))
            }
        })
    }
}

/// A listing query whose every part has been checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    pub q: Option<String>,
    pub category: Option<String>,
    pub sort: Sort,
    pub page: u32,
    pub page_size: u32,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub in_stock: bool,
    /// Lowercased (Unicode, not just ASCII); compared with the lowercased variant names.
    pub variant: Option<String>,
}

impl TryFrom<ListParams> for ListQuery {
    type Error = DomainError;

    fn try_from(p: ListParams) -> Result<Self, DomainError> {
        let page = p.page.unwrap_or(1);
        if page == 0 {
            return Err(DomainError::Invalid("page starts at 1".into()));
        }
        let page_size = p.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
            return Err(DomainError::Invalid(format!("pageSize must be between 1 and {MAX_PAGE_SIZE}")));
        }
        for (name, price) in [("minPrice", p.min_price), ("maxPrice", p.max_price)] {
            if price.is_some_and(|v| v < 0) {
                return Err(DomainError::Invalid(format!("{name} must not be negative")));
            }
        }
        if let (Some(min), Some(max)) = (p.min_price, p.max_price) {
            if min > max {
                return Err(DomainError::Invalid("minPrice is above maxPrice".into()));
            }
        }
        let q = p.q.map(|q| q.trim().to_string()).filter(|q| !q.is_empty());
        if q.as_ref().is_some_and(|q| q.chars().count() > 100) {
            return Err(DomainError::Invalid("q is longer than 100 characters".into()));
        }
        let variant = match p.variant.map(|v| v.trim().to_string()) {
            None => None,
            Some(v) if (1..=MAX_VARIANT_LEN).contains(&v.chars().count()) => Some(v.to_lowercase()),
            Some(_) => return Err(DomainError::Invalid(format!("variant must be 1 to {MAX_VARIANT_LEN} characters"))),
        };
        Ok(Self {
            q,
            category: p.category.filter(|c| !c.is_empty()),
            sort: Sort::parse(p.sort.as_deref().unwrap_or(""))?,
            page,
            page_size,
            min_price: p.min_price,
            max_price: p.max_price,
            in_stock: p.in_stock.unwrap_or(false),
            variant,
        })
    }
}

/// How long a process trusts its copy of the catalogue without hearing of a change. Its own
/// stock changes drop the copy at once; this bounds how stale the stock shown can be after an
/// order placed through another process on the same database. Adds and orders check stock in
/// their transaction, so a stale figure is never sold.
pub const SNAPSHOT_TTL: Duration = Duration::from_secs(1);

/// The catalogue, served from memory: every listing is a filter and a sort over 48 products
/// instead of three queries. Loaded on first use, reloaded after [`SNAPSHOT_TTL`] or a stock
/// change ([`Catalogue::invalidate`]).
#[derive(Default)]
pub struct Catalogue {
    current: std::sync::RwLock<Option<(Instant, Arc<Snapshot>)>>,
    /// Bumped by every invalidation: a load that began before one is not kept.
    generation: AtomicU64,
    /// One load at a time; the requests that find the copy stale meanwhile wait for it.
    loading: tokio::sync::Mutex<()>,
}

pub struct Snapshot {
    /// In id order, the catalogue's own, with their variants in position order.
    products: Vec<Listed>,
    categories: Vec<Category>,
}

struct Listed {
    product: Product,
    /// `name` and `description` lowercased once, for search and the name sort.
    name_lower: String,
    description_lower: String,
    added_at: String,
}

impl Catalogue {
    /// The current snapshot, loaded when there is none or it is too old.
    pub async fn snapshot(&self, db: &Db) -> Result<Arc<Snapshot>, DomainError> {
        if let Some(fresh) = self.fresh() {
            return Ok(fresh);
        }
        let _loading = self.loading.lock().await;
        if let Some(fresh) = self.fresh() {
            return Ok(fresh);
        }
        let generation = self.generation.load(Ordering::Acquire);
        let loaded = Arc::new(Snapshot::load(db).await?);
        if self.generation.load(Ordering::Acquire) == generation {
            *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), loaded.clone()));
        }
        Ok(loaded)
    }

    /// Stock changed (an order was placed): the next request reads the database again.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = None;
    }

    fn fresh(&self) -> Option<Arc<Snapshot>> {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        current.as_ref().filter(|(at, _)| at.elapsed() < SNAPSHOT_TTL).map(|(_, snapshot)| snapshot.clone())
    }
}

impl Snapshot {
    async fn load(db: &Db) -> Result<Self, DomainError> {
        let rows = sqlx::query(
            "SELECT id, name, description, category, price_amount, price_currency, images, added_at FROM products ORDER BY id",
        )
        .fetch_all(db)
        .await?;
        let mut products: Vec<Listed> = rows
            .iter()
            .map(|row| {
                let product = product_from_row(row)?;
                Ok(Listed {
                    name_lower: product.name.to_lowercase(),
                    description_lower: product.description.to_lowercase(),
                    added_at: row.get("added_at"),
                    product,
                })
            })
            .collect::<Result<_, DomainError>>()?;
        let variants = sqlx::query("SELECT product_id, id, name, stock FROM variants ORDER BY product_id, position")
            .fetch_all(db)
            .await?;
        for row in variants {
            let product_id = row.get::<i64, _>("product_id") as u32;
            if let Ok(at) = products.binary_search_by_key(&product_id, |p| p.product.id) {
                products[at].product.variants.push(Variant {
                    id: row.get("id"),
                    name: row.get("name"),
                    stock: row.get::<i64, _>("stock").max(0) as u32,
                });
            }
        }
        let categories = sqlx::query("SELECT slug, name FROM categories ORDER BY position")
            .fetch_all(db)
            .await?
            .iter()
            .map(|r| Category { slug: r.get("slug"), name: r.get("name") })
            .collect();
        Ok(Self { products, categories })
    }

    /// One page of the products `query` selects, in its order.
    pub fn list(&self, query: &ListQuery) -> ProductPage {
        let mut selected: Vec<&Listed> = self.products.iter().filter(|p| matches(p, query)).collect();
        match query.sort {
            Sort::Featured => {}
            Sort::PriceAsc => selected.sort_by_key(|p| p.product.price.amount),
            Sort::PriceDesc => selected.sort_by_key(|p| std::cmp::Reverse(p.product.price.amount)),
            Sort::Name => selected.sort_by(|a, b| a.name_lower.cmp(&b.name_lower)),
            Sort::Newest => selected.sort_by(|a, b| b.added_at.cmp(&a.added_at)),
        }
        let skip = (query.page as usize - 1).saturating_mul(query.page_size as usize);
        let items = selected.iter().skip(skip).take(query.page_size as usize).map(|p| p.product.clone()).collect();
        ProductPage { items, total: selected.len() as u32, page: query.page, page_size: query.page_size }
    }

    pub fn get(&self, id: u32) -> Option<Product> {
        let at = self.products.binary_search_by_key(&id, |p| p.product.id).ok()?;
        Some(self.products[at].product.clone())
    }

    /// Every product's id, in id order (for the sitemap).
    pub fn product_ids(&self) -> Vec<u32> {
        self.products.iter().map(|p| p.product.id).collect()
    }

    pub fn categories(&self) -> Vec<Category> {
        self.categories.clone()
    }
}

/// The filters of `GET /api/products`. The sorts above are stable, so ties stay in id order.
fn matches(listed: &Listed, query: &ListQuery) -> bool {
    let product = &listed.product;
    let price = product.price.amount;
    query.q.as_ref().is_none_or(|q| {
        let q = q.to_lowercase();
        listed.name_lower.contains(&q) || listed.description_lower.contains(&q)
    }) && query.category.as_ref().is_none_or(|c| &product.category == c)
        && query.min_price.is_none_or(|min| price >= min)
        && query.max_price.is_none_or(|max| price <= max)
        && (!query.in_stock || product.variants.iter().any(|v| v.stock > 0))
        && query.variant.as_ref().is_none_or(|wanted| product.variants.iter().any(|v| &v.name.to_lowercase() == wanted))
}

/// The query string of `GET /api/products/{id}/recommendations`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RecommendationParams {
    /// The chosen variant's id: products in its option come first.
    #[param(max_length = 100)]
    pub variant: Option<String>,
}

impl Snapshot {
    /// Other products for `product`: in the option of its variant `variant` first, then from its
    /// category, then any; never itself, none twice, at most [`RECOMMENDED`].
    pub fn recommendations(&self, product: &Product, variant: Option<&str>) -> Recommendations {
        let option = variant.and_then(|id| product.variant(id)).map(|v| v.name.to_lowercase());
        let others = || self.products.iter().map(|p| &p.product).filter(|p| p.id != product.id);
        let in_option =
            |p: &Product| option.as_ref().is_some_and(|o| p.variants.iter().any(|v| &v.name.to_lowercase() == o));
        let mut items: Vec<Product> = others().filter(|p| in_option(p)).take(RECOMMENDED).cloned().collect();
        let all_in_option = items.len() == RECOMMENDED;
        for p in others().filter(|p| p.category == product.category).chain(others()) {
            if items.len() == RECOMMENDED {
                break;
            }
            if !items.iter().any(|i| i.id == p.id) {
                items.push(p.clone());
            }
        }
        let option = variant.and_then(|id| product.variant(id)).map(|v| v.name.clone()).filter(|_| all_in_option);
        Recommendations { items, option }
    }
}

pub async fn recommendations(
    db: &Db,
    catalogue: &Catalogue,
    id: u32,
    variant: Option<&str>,
) -> Result<Option<Recommendations>, DomainError> {
    let snapshot = catalogue.snapshot(db).await?;
    Ok(snapshot.get(id).map(|product| snapshot.recommendations(&product, variant)))
}

pub async fn list(db: &Db, catalogue: &Catalogue, query: &ListQuery) -> Result<ProductPage, DomainError> {
    Ok(catalogue.snapshot(db).await?.list(query))
}

pub async fn get(db: &Db, catalogue: &Catalogue, id: u32) -> Result<Option<Product>, DomainError> {
    Ok(catalogue.snapshot(db).await?.get(id))
}

pub async fn categories(db: &Db, catalogue: &Catalogue) -> Result<Vec<Category>, DomainError> {
    Ok(catalogue.snapshot(db).await?.categories())
}

fn product_from_row(row: &AnyRow) -> Result<Product, DomainError> {
    let images: String = row.get("images");
    Ok(Product {
        id: row.get::<i64, _>("id") as u32,
        name: row.get("name"),
        description: row.get("description"),
        category: row.get("category"),
        price: Money::new(row.get("price_amount"), row.get::<String, _>("price_currency")),
        images: serde_json::from_str(&images).unwrap_or_default(),
        variants: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_params_are_checked() {
        let ok = ListQuery::try_from(ListParams { sort: Some("price-asc".into()), ..Default::default() }).unwrap();
        assert_eq!((ok.sort, ok.page, ok.page_size), (Sort::PriceAsc, 1, DEFAULT_PAGE_SIZE));
        let bad = [
            ListParams { sort: Some("cheapest".into()), ..Default::default() },
            ListParams { page: Some(0), ..Default::default() },
            ListParams { page_size: Some(500), ..Default::default() },
            ListParams { min_price: Some(-1), ..Default::default() },
            ListParams { min_price: Some(10), max_price: Some(5), ..Default::default() },
            ListParams { variant: Some(String::new()), ..Default::default() },
            ListParams { variant: Some("   ".into()), ..Default::default() },
            ListParams { variant: Some("x".repeat(MAX_VARIANT_LEN + 1)), ..Default::default() },
        ];
        for params in bad {
            assert!(ListQuery::try_from(params).is_err());
        }
    }

    #[test]
    fn the_variant_filter_is_folded_and_bounded() {
        let query = |v: &str| ListQuery::try_from(ListParams { variant: Some(v.into()), ..Default::default() });
        assert_eq!(query(" XL ").unwrap().variant.as_deref(), Some("xl"));
        assert_eq!(query("ÄRMEL").unwrap().variant.as_deref(), Some("ärmel"));
        // Characters, not bytes: 40 two-byte letters are fine.
        assert!(query(&"ä".repeat(MAX_VARIANT_LEN)).is_ok());
    }

    fn product(id: u32, category: &str, options: &[&str]) -> Product {
        Product {
            id,
            name: format!("Product {id}"),
            description: String::new(),
            category: category.into(),
            price: Money { amount: 100, currency: "EUR".into() },
            images: Vec::new(),
            variants: options.iter().map(|o| Variant { id: o.to_lowercase(), name: o.to_string(), stock: 1 }).collect(),
        }
    }

    fn snapshot(products: Vec<Product>) -> Snapshot {
        let products = products
            .into_iter()
            .map(|product| Listed {
                name_lower: product.name.to_lowercase(),
                description_lower: String::new(),
                added_at: String::new(),
                product,
            })
            .collect();
        Snapshot { products, categories: Vec::new() }
    }

    fn ids(r: &Recommendations) -> Vec<u32> {
        r.items.iter().map(|p| p.id).collect()
    }

    #[test]
    fn recommendations_are_others_in_the_option_first_then_the_category_then_any() {
        let catalogue = snapshot(vec![
            product(1, "tractors", &["Red", "Green"]),
            product(2, "tractors", &["Green"]),
            product(3, "parts", &["Red"]),
            product(4, "tractors", &["Standard"]),
            product(5, "parts", &["Standard"]),
            product(6, "parts", &["Green"]),
            product(7, "toys", &["Red"]),
        ]);
        let current = catalogue.get(1).unwrap();
        let red = catalogue.recommendations(&current, Some("red"));
        assert_eq!(ids(&red), [3, 7, 2, 4], "Red first, then the category");
        assert_eq!(red.option, None, "not every item is red");
        let green = catalogue.recommendations(&current, Some("green"));
        assert_eq!(ids(&green), [2, 6, 4, 3]);
        let plain = catalogue.recommendations(&current, None);
        assert_eq!(ids(&plain), [2, 4, 3, 5], "the category, then any");
        let unknown = catalogue.recommendations(&current, Some("purple"));
        assert_eq!(ids(&unknown), ids(&plain), "a variant it does not have is no option");
    }

    #[test]
    fn a_full_option_is_named_and_the_product_is_never_its_own() {
        let catalogue = snapshot((1..=6).map(|id| product(id, "tractors", &["Red"])).collect());
        let current = catalogue.get(3).unwrap();
        let red = catalogue.recommendations(&current, Some("red"));
        assert_eq!(ids(&red), [1, 2, 4, 5]);
        assert_eq!(red.option.as_deref(), Some("Red"));
        let alone = snapshot(vec![product(1, "tractors", &["Red"])]);
        assert!(alone.recommendations(&alone.get(1).unwrap(), None).items.is_empty());
    }
}
