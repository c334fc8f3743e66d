//! Parent-to-child: a fragment one team places inside another team's page, and the inputs the
//! page hands it as attributes of the fragment's host element (the Tractor Store's pattern).
//!
//! The page renders an element with [`FRAGMENT_ATTRIBUTE`] naming the fragment, [`VERSION_ATTRIBUTE`]
//! and one `data-*` attribute per input; the shell mounts the fragment's remote into it and
//! nothing else. When the page changes an input it changes the attribute, and the fragment,
//! which watches its host, follows: no event, no shared state, no import of the other team's
//! code. Like an event, each set of inputs has one owner (the fragment's team), a version, a
//! type and a doc comment, and is listed in `docs/events.md`.

/// Names the fragment an element is the host of, e.g. `data-fragment="recommendations"`.
pub const FRAGMENT_ATTRIBUTE: &str = "data-fragment";
/// The version of the inputs the placing page wrote.
pub const VERSION_ATTRIBUTE: &str = "data-inputs";

/// Why a fragment could not read its host's inputs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("inputs version {got:?} is not supported (this fragment reads version {supported})")]
    Version { got: Option<String>, supported: u32 },
    #[error("{attribute} is missing")]
    Missing { attribute: &'static str },
    #[error("{attribute} is not valid: {value:?}")]
    Invalid { attribute: &'static str, value: String },
}

/// The contract of one fragment's inputs.
pub trait FragmentInputs: Sized {
    /// The fragment's name: its remote in the manifest and the value of [`FRAGMENT_ATTRIBUTE`].
    const FRAGMENT: &'static str;
    const VERSION: u32;
    /// The team that owns the fragment and its inputs.
    const OWNER: &'static str;
    /// The remotes that place it.
    const PLACED_BY: &'static [&'static str];
    const DESCRIPTION: &'static str;
    /// Each attribute with what it means.
    const ATTRIBUTES: &'static [(&'static str, &'static str)];

    /// The attributes the placing page writes, [`FRAGMENT_ATTRIBUTE`] and [`VERSION_ATTRIBUTE`]
    /// included; an input without a value is left out.
    fn attributes(&self) -> Vec<(&'static str, String)>;

    /// Reads the inputs back with `get` (an attribute's value), checking the version first.
    fn from_attributes(get: impl Fn(&str) -> Option<String>) -> Result<Self, InputError>;
}

/// The catalog team's recommendations: other products worth a look, placed by product details
/// under its product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecommendationsInputs {
    /// The product on the page; it is never recommended to itself.
    pub product: u32,
    /// The chosen variant's id, when the product has several: products in the same option come
    /// first.
    pub variant: Option<String>,
}

const PRODUCT: &str = "data-product";
const VARIANT: &str = "data-variant";

impl FragmentInputs for RecommendationsInputs {
    const FRAGMENT: &'static str = "recommendations";
    const VERSION: u32 = 1;
    const OWNER: &'static str = "catalog";
    const PLACED_BY: &'static [&'static str] = &["product-details"];
    const DESCRIPTION: &'static str =
        "Other products for the one on the page: in the chosen option first, then from its category.";
    const ATTRIBUTES: &'static [(&'static str, &'static str)] =
        &[(PRODUCT, "the product's id (required)"), (VARIANT, "the chosen variant's id (optional)")];

    fn attributes(&self) -> Vec<(&'static str, String)> {
        let mut attributes = vec![
            (FRAGMENT_ATTRIBUTE, Self::FRAGMENT.to_string()),
            (VERSION_ATTRIBUTE, Self::VERSION.to_string()),
            (PRODUCT, self.product.to_string()),
        ];
        if let Some(variant) = &self.variant {
            attributes.push((VARIANT, variant.clone()));
        }
        attributes
    }

    fn from_attributes(get: impl Fn(&str) -> Option<String>) -> Result<Self, InputError> {
        let version = get(VERSION_ATTRIBUTE);
        if version.as_deref() != Some("1") {
            return Err(InputError::Version { got: version, supported: Self::VERSION });
        }
        let product = get(PRODUCT).ok_or(InputError::Missing { attribute: PRODUCT })?;
        let product = product
            .parse()
            .ok()
            .filter(|id| *id > 0)
            .ok_or(InputError::Invalid { attribute: PRODUCT, value: product })?;
        let variant = get(VARIANT).filter(|v| !v.is_empty());
        Ok(Self { product, variant })
    }
}

/// What `docs/events.md` lists about one set of inputs.
#[derive(Debug, Clone, Copy)]
pub struct InputSpec {
    pub fragment: &'static str,
    pub version: u32,
    pub owner: &'static str,
    pub placed_by: &'static [&'static str],
    pub description: &'static str,
    pub attributes: &'static [(&'static str, &'static str)],
}

impl InputSpec {
    fn of<I: FragmentInputs>() -> Self {
        Self {
            fragment: I::FRAGMENT,
            version: I::VERSION,
            owner: I::OWNER,
            placed_by: I::PLACED_BY,
            description: I::DESCRIPTION,
            attributes: I::ATTRIBUTES,
        }
    }
}

/// Every fragment that a page may place, with its inputs. The shell mounts only these.
pub fn registry() -> Vec<InputSpec> {
    vec![InputSpec::of::<RecommendationsInputs>()]
}

/// The names in [`registry`], as the shell's loader wants them (`'static`).
pub const PLACEABLE: &[&str] = &[RecommendationsInputs::FRAGMENT];

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn read(attributes: &[(&str, &str)]) -> Result<RecommendationsInputs, InputError> {
        let map: HashMap<String, String> = attributes.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        RecommendationsInputs::from_attributes(|name| map.get(name).cloned())
    }

    #[test]
    fn inputs_round_trip_through_attributes() {
        for inputs in [
            RecommendationsInputs { product: 7, variant: Some("red".into()) },
            RecommendationsInputs { product: 1, variant: None },
        ] {
            let written = inputs.attributes();
            let pairs: Vec<(&str, &str)> = written.iter().map(|(k, v)| (*k, v.as_str())).collect();
            assert_eq!(read(&pairs), Ok(inputs));
        }
    }

    #[test]
    fn bad_inputs_say_what_is_wrong() {
        assert_eq!(
            read(&[("data-inputs", "2"), ("data-product", "1")]),
            Err(InputError::Version { got: Some("2".into()), supported: 1 })
        );
        assert_eq!(read(&[("data-inputs", "1")]), Err(InputError::Missing { attribute: "data-product" }));
        assert_eq!(
            read(&[("data-inputs", "1"), ("data-product", "0")]),
            Err(InputError::Invalid { attribute: "data-product", value: "0".into() })
        );
        assert!(read(&[("data-inputs", "1"), ("data-product", "x1")]).is_err());
        assert_eq!(
            read(&[("data-inputs", "1"), ("data-product", "3"), ("data-variant", "")]).map(|i| i.variant),
            Ok(None)
        );
    }

    #[test]
    fn every_placeable_fragment_is_registered() {
        let names: Vec<&str> = registry().iter().map(|s| s.fragment).collect();
        assert_eq!(names, PLACEABLE);
    }
}
