//! The catalogue: products, variants, categories, and the listing query.

use contracts::api::{Category, Money, Product, ProductPage, Variant};
use serde::Deserialize;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, Arguments, Encode, Row, Type};

use crate::db::Db;

use crate::error::ApiError;

pub const DEFAULT_PAGE_SIZE: u32 = 12;
pub const MAX_PAGE_SIZE: u32 = 48;

/// The query string of `GET /api/products`, as sent. Everything is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListParams {
    pub q: Option<String>,
    pub category: Option<String>,
    pub sort: Option<String>,
    pub page: Option<u32>,
    pub page_size: Option<u32>,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub in_stock: Option<bool>,
    /// The name of a variant the product must have, e.g. `red` or `xl`, in any case.
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
    fn parse(value: &str) -> Result<Self, ApiError> {
        Ok(match value {
            "featured" | "" => Sort::Featured,
            "price-asc" => Sort::PriceAsc,
            "price-desc" => Sort::PriceDesc,
            "name" => Sort::Name,
            "newest" => Sort::Newest,
            other => {
                return Err(ApiError::BadRequest(format!(
                    "sort={other:?} is not one of featured, price-asc, price-desc, name, newest"
                )))
            }
        })
    }

    fn order_by(self) -> &'static str {
        match self {
            Sort::Featured => "p.id",
            Sort::PriceAsc => "p.price_amount, p.id",
            Sort::PriceDesc => "p.price_amount DESC, p.id",
            Sort::Name => "LOWER(p.name), p.id",
            Sort::Newest => "p.added_at DESC, p.id",
        }
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
    type Error = ApiError;

    fn try_from(p: ListParams) -> Result<Self, ApiError> {
        let page = p.page.unwrap_or(1);
        if page == 0 {
            return Err(ApiError::BadRequest("page starts at 1".into()));
        }
        let page_size = p.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
            return Err(ApiError::BadRequest(format!("pageSize must be between 1 and {MAX_PAGE_SIZE}")));
        }
        for (name, price) in [("minPrice", p.min_price), ("maxPrice", p.max_price)] {
            if price.is_some_and(|v| v < 0) {
                return Err(ApiError::BadRequest(format!("{name} must not be negative")));
            }
        }
        if let (Some(min), Some(max)) = (p.min_price, p.max_price) {
            if min > max {
                return Err(ApiError::BadRequest("minPrice is above maxPrice".into()));
            }
        }
        let q = p.q.map(|q| q.trim().to_string()).filter(|q| !q.is_empty());
        if q.as_ref().is_some_and(|q| q.chars().count() > 100) {
            return Err(ApiError::BadRequest("q is longer than 100 characters".into()));
        }
        let variant = match p.variant.map(|v| v.trim().to_string()) {
            None => None,
            Some(v) if (1..=MAX_VARIANT_LEN).contains(&v.chars().count()) => Some(v.to_lowercase()),
            Some(_) => {
                return Err(ApiError::BadRequest(format!("variant must be 1 to {MAX_VARIANT_LEN} characters")))
            }
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

/// The variant names (as stored) that the `variant` filter matches. SQLite's own case folding
/// (`NOCASE`, `lower()`) knows ASCII only, so names are folded here; there are few of them.
async fn matching_variant_names(db: &Db, query: &ListQuery) -> Result<Option<Vec<String>>, ApiError> {
    let Some(wanted) = &query.variant else { return Ok(None) };
    let names: Vec<String> = sqlx::query_scalar("SELECT DISTINCT name FROM variants").fetch_all(db).await?;
    Ok(Some(names.into_iter().filter(|n| &n.to_lowercase() == wanted).collect()))
}

/// A query put together at run time. It numbers its own `$n` parameters: sqlx's `QueryBuilder`
/// writes `?` for `Any`, which PostgreSQL does not read.
#[derive(Default)]
struct Sql {
    text: String,
    args: AnyArguments<'static>,
}

impl Sql {
    fn new(text: &str) -> Self {
        Self { text: text.to_string(), ..Self::default() }
    }

    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    fn bind<T: Encode<'static, Any> + Type<Any> + 'static>(&mut self, value: T) -> &mut Self {
        // Adding to AnyArguments only fails for a type Any cannot encode, which the bound rules out.
        let _ = self.args.add(value);
        let n = self.args.len();
        self.text.push_str(&format!("${n}"));
        self
    }

    /// `value, value, ...` bound one by one.
    fn bind_list<T: Encode<'static, Any> + Type<Any> + 'static>(&mut self, values: impl IntoIterator<Item = T>) -> &mut Self {
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(value);
        }
        self
    }
}

fn push_filters(sql: &mut Sql, query: &ListQuery, variant_names: Option<&[String]>) {
    sql.push(" WHERE 1 = 1");
    if let Some(q) = &query.q {
        // LOWER on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
        let pattern = format!("%{}%", q.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        sql.push(" AND (LOWER(p.name) LIKE ")
            .bind(pattern.clone())
            .push(" ESCAPE '\\' OR LOWER(p.description) LIKE ")
            .bind(pattern)
            .push(" ESCAPE '\\')");
    }
    if let Some(category) = &query.category {
        sql.push(" AND p.category = ").bind(category.clone());
    }
    if let Some(min) = query.min_price {
        sql.push(" AND p.price_amount >= ").bind(min);
    }
    if let Some(max) = query.max_price {
        sql.push(" AND p.price_amount <= ").bind(max);
    }
    if query.in_stock {
        sql.push(" AND EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.stock > 0)");
    }
    match variant_names {
        None => {}
        // No variant has that name: nothing matches (and `IN ()` is not valid SQL).
        Some([]) => {
            sql.push(" AND 1 = 0");
        }
        Some(names) => {
            sql.push(" AND EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.name IN (")
                .bind_list(names.iter().cloned())
                .push("))");
        }
    }
}

pub async fn list(db: &Db, query: &ListQuery) -> Result<ProductPage, ApiError> {
    let variant_names = matching_variant_names(db, query).await?;
    let mut count = Sql::new("SELECT COUNT(*) FROM products p");
    push_filters(&mut count, query, variant_names.as_deref());
    let total: i64 = sqlx::query_scalar_with(&count.text, count.args).fetch_one(db).await?;

    let mut select =
        Sql::new("SELECT p.id, p.name, p.description, p.category, p.price_amount, p.price_currency, p.images FROM products p");
    push_filters(&mut select, query, variant_names.as_deref());
    select
        .push(" ORDER BY ")
        .push(query.sort.order_by())
        .push(" LIMIT ")
        .bind(i64::from(query.page_size))
        .push(" OFFSET ")
        .bind((i64::from(query.page) - 1) * i64::from(query.page_size));
    let rows = sqlx::query_with(&select.text, select.args).fetch_all(db).await?;
    let mut items = rows.iter().map(product_from_row).collect::<Result<Vec<_>, _>>()?;
    attach_variants(db, &mut items).await?;
    Ok(ProductPage { items, total: total as u32, page: query.page, page_size: query.page_size })
}

pub async fn get(db: &Db, id: u32) -> Result<Option<Product>, ApiError> {
    let row = sqlx::query(
        "SELECT p.id, p.name, p.description, p.category, p.price_amount, p.price_currency, p.images
         FROM products p WHERE p.id = $1",
    )
    .bind(i64::from(id))
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let mut items = vec![product_from_row(&row)?];
    attach_variants(db, &mut items).await?;
    Ok(items.pop())
}

pub async fn categories(db: &Db) -> Result<Vec<Category>, ApiError> {
    let rows = sqlx::query("SELECT slug, name FROM categories ORDER BY position")
        .fetch_all(db)
        .await?;
    Ok(rows
        .iter()
        .map(|r| Category { slug: r.get("slug"), name: r.get("name") })
        .collect())
}

fn product_from_row(row: &AnyRow) -> Result<Product, ApiError> {
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

async fn attach_variants(db: &Db, products: &mut [Product]) -> Result<(), ApiError> {
    if products.is_empty() {
        return Ok(());
    }
    let mut select = Sql::new("SELECT product_id, id, name, stock FROM variants WHERE product_id IN (");
    select.bind_list(products.iter().map(|p| i64::from(p.id))).push(") ORDER BY product_id, position");
    for row in sqlx::query_with(&select.text, select.args).fetch_all(db).await? {
        let product_id = row.get::<i64, _>("product_id") as u32;
        if let Some(p) = products.iter_mut().find(|p| p.id == product_id) {
            p.variants.push(Variant {
                id: row.get("id"),
                name: row.get("name"),
                stock: row.get::<i64, _>("stock").max(0) as u32,
            });
        }
    }
    Ok(())
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
}
