//! Governance of the event contracts, as code: the compatibility check between a committed
//! schema and the current one, the naming and data rules, and the generated `docs/events.md`.
//! `tests/governance.rs` applies them to the whole registry.

use serde_json::{Map, Value};

use crate::events::{EventSpec, COMPATIBILITY_RULES, DEPRECATED};

/// Event names (or either half) that say nothing about the domain, or name an implementation.
pub const VAGUE_OR_IMPLEMENTATION_NAMES: &[&str] = &[
    "update",
    "change",
    "changed",
    "data",
    "notify",
    "refresh",
    "event",
    "set-state",
    "dispatch",
    "mutate",
    "redux",
    "reducer",
    "component",
    "hook",
    "store",
    "state",
];

/// Payload fields that must never cross the browser's shared channels.
pub const DENIED_FIELDS: &[&str] =
    &["cardnumber", "creditcard", "cvv", "cvc", "password", "passwd", "token", "secret", "email", "iban", "ssn"];

/// The largest serialized envelope (payload included) an event may have.
pub const MAX_ENVELOPE_BYTES: usize = 1024;

/// Where the schema of one event version is committed, relative to the `contracts` crate.
pub fn schema_path(name: &str, version: u32) -> String {
    format!("schemas/{}/v{version}.json", name.replace(':', "."))
}

/// Checks `domain:event` in kebab-case, with neither half vague or implementation-named.
pub fn check_name(name: &str) -> Result<(), String> {
    let (domain, event) = name.split_once(':').ok_or_else(|| format!("{name}: not domain:event"))?;
    let kebab = |s: &str| {
        !s.is_empty()
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--")
            && s.chars().all(|c| c.is_ascii_lowercase() || c == '-')
    };
    if !kebab(domain) || !kebab(event) {
        return Err(format!("{name}: both halves must be kebab-case"));
    }
    for part in [domain, event] {
        if VAGUE_OR_IMPLEMENTATION_NAMES.contains(&part) {
            return Err(format!("{name}: {part:?} says nothing about the domain"));
        }
    }
    Ok(())
}

/// Every property name in a schema (and its definitions) that is on the deny list.
pub fn denied_fields(schema: &Value) -> Vec<String> {
    let mut found = Vec::new();
    walk_properties(schema, &mut |name| {
        if is_denied(name) {
            found.push(name.to_string());
        }
    });
    found
}

/// Every object key in a JSON value (e.g. a payload) that is on the deny list.
pub fn denied_keys(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                for (key, child) in map {
                    if is_denied(key) {
                        found.push(key.clone());
                    }
                    stack.push(child);
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found
}

fn is_denied(name: &str) -> bool {
    let normalized: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase();
    DENIED_FIELDS.iter().any(|d| normalized.contains(d))
}

fn walk_properties(value: &Value, visit: &mut impl FnMut(&str)) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                for name in props.keys() {
                    visit(name);
                }
            }
            for child in map.values() {
                walk_properties(child, visit);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| walk_properties(v, visit)),
        _ => {}
    }
}

/// The changes from `old` to `new` that a consumer of `old` could not read. Adding an optional
/// field is not one of them.
pub fn breaking_changes(old: &Value, new: &Value) -> Vec<String> {
    let mut found = Vec::new();
    compare(old, new, old, new, "payload", &mut found);
    found
}

fn resolve<'a>(node: &'a Value, root: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix("#/$defs/")
            .and_then(|name| root.get("$defs")?.get(name))
            .map(|target| resolve(target, root))
            .unwrap_or(node),
        None => node,
    }
}

fn required(node: &Value) -> Vec<&str> {
    node.get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// A schema node without the parts that do not change what a consumer can read.
fn shape(node: &Value) -> Value {
    match node {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "description" | "title" | "$schema" | "examples" | "$defs"))
                .map(|(k, v)| (k.clone(), shape(v)))
                .collect::<Map<_, _>>(),
        ),
        other => other.clone(),
    }
}

fn compare(old: &Value, new: &Value, old_root: &Value, new_root: &Value, path: &str, found: &mut Vec<String>) {
    let (old, new) = (resolve(old, old_root), resolve(new, new_root));
    let (Some(old_props), Some(new_props)) =
        (old.get("properties").and_then(Value::as_object), new.get("properties").and_then(Value::as_object))
    else {
        if shape(old) != shape(new) {
            found.push(format!("{path} changed type"));
        }
        return;
    };
    for (name, old_prop) in old_props {
        match new_props.get(name) {
            None => found.push(format!("{path}.{name} was removed or renamed")),
            Some(new_prop) => compare(old_prop, new_prop, old_root, new_root, &format!("{path}.{name}"), found),
        }
    }
    let was_required = required(old);
    for name in required(new) {
        if !was_required.contains(&name) {
            found.push(format!("{path}.{name} is a new required field"));
        }
    }
}

/// `docs/events.md`, generated from the registry.
pub fn events_markdown(specs: &[EventSpec]) -> String {
    let mut specs = specs.to_vec();
    specs.sort_by_key(|s| s.name);
    let mut out = String::from(
        "# Event contracts\n\n\
         <!-- Generated from contracts/src/events by `cargo xtask contracts`. Do not edit by hand. -->\n\n\
         Every cross-app event of the store: a DOM `CustomEvent` on `window` whose `detail` is an envelope\n\
         `{ name, version, publisher, id, time, traceId, payload }`. Names are `domain:event` in kebab-case and\n\
         state a domain fact. Payloads are small (an envelope stays under 1 KB) and never carry secrets,\n\
         tokens, card data, passwords or e-mail addresses. Consumers decode through the contract and ignore,\n\
         and log, what they cannot read.\n\n",
    );
    out.push_str(&format!("**Compatibility.** {}\n\n", COMPATIBILITY_RULES.replace("\\\n", "")));
    if DEPRECATED.is_empty() {
        out.push_str("**Deprecated versions still accepted:** none.\n\n");
    } else {
        out.push_str("**Deprecated versions still accepted:**\n\n");
        for d in DEPRECATED {
            out.push_str(&format!("- `{}` v{} until {}\n", d.name, d.version, d.accepted_until));
        }
        out.push('\n');
    }
    out.push_str("| event | version | owner | consumers |\n|---|---|---|---|\n");
    for s in &specs {
        out.push_str(&format!(
            "| [`{}`](#{}) | {} | {} | {} |\n",
            s.name,
            s.name.replace(':', ""),
            s.version,
            s.owner,
            s.consumers.join(", ")
        ));
    }
    for s in &specs {
        let schema = (s.schema)();
        out.push_str(&format!("\n## {}\n\n{}\n\n", s.name, s.description));
        out.push_str(&format!(
            "- version: {}\n- owner: {}\n- consumers: {}\n- schema: [`contracts/{}`](../contracts/{})\n\n",
            s.version,
            s.owner,
            s.consumers.join(", "),
            schema_path(s.name, s.version),
            schema_path(s.name, s.version)
        ));
        out.push_str("| field | type | required | description |\n|---|---|---|---|\n");
        let required_fields = required(&schema);
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (name, prop) in props {
                let prop = resolve(prop, &schema);
                out.push_str(&format!(
                    "| `{name}` | {} | {} | {} |\n",
                    type_name(prop),
                    if required_fields.contains(&name.as_str()) { "yes" } else { "no" },
                    prop.get("description").and_then(Value::as_str).unwrap_or("").replace('\n', " ")
                ));
            }
        }
        let example = serde_json::to_string(&(s.example)()).unwrap_or_default();
        out.push_str(&format!("\nExample payload: `{example}`\n"));
    }
    out.push_str(&inputs_markdown(&crate::inputs::registry()));
    out
}

/// The fragments a page places, with the inputs it hands them as attributes
/// ([`crate::inputs`]): the parent-to-child channel.
fn inputs_markdown(specs: &[crate::inputs::InputSpec]) -> String {
    let mut out = String::from(
        "\n# Fragment inputs\n\n\
         A page places another team's fragment as an element with `data-fragment=\"<name>\"` and\n\
         `data-inputs=\"<version>\"`; its inputs are `data-*` attributes of that element, which the page\n\
         changes and the fragment follows. The shell mounts the fragment's remote into it.\n",
    );
    for s in specs {
        out.push_str(&format!(
            "\n## {}\n\n{}\n\n- version: {}\n- owner: {}\n- placed by: {}\n- contract: [`contracts/src/inputs.rs`](../contracts/src/inputs.rs)\n\n",
            s.fragment,
            s.description,
            s.version,
            s.owner,
            s.placed_by.join(", ")
        ));
        out.push_str("| attribute | meaning |\n|---|---|\n");
        for (attribute, meaning) in s.attributes {
            out.push_str(&format!("| `{attribute}` | {meaning} |\n"));
        }
    }
    out
}

fn type_name(node: &Value) -> String {
    if let Some(values) = node.get("enum").and_then(Value::as_array) {
        return values.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(" \\| ");
    }
    match node.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" \\| "),
        _ if node.get("oneOf").is_some() => "one of several".into(),
        _ => "object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(props: Value, required: &[&str]) -> Value {
        json!({ "type": "object", "properties": props, "required": required })
    }

    fn v1() -> Value {
        object(
            json!({ "cartId": {"type": "string"}, "itemCount": {"type": "integer", "minimum": 0} }),
            &["cartId", "itemCount"],
        )
    }

    #[test]
    fn adding_an_optional_field_is_compatible() {
        let mut new = v1();
        new["properties"]["currency"] = json!({"type": ["string", "null"]});
        assert!(breaking_changes(&v1(), &new).is_empty());
        assert!(breaking_changes(&v1(), &v1()).is_empty());
    }

    #[test]
    fn removing_renaming_retyping_or_requiring_breaks() {
        let removed = object(json!({ "cartId": {"type": "string"} }), &["cartId"]);
        let renamed = object(
            json!({ "cartId": {"type": "string"}, "count": {"type": "integer", "minimum": 0} }),
            &["cartId", "count"],
        );
        let retyped =
            object(json!({ "cartId": {"type": "string"}, "itemCount": {"type": "string"} }), &["cartId", "itemCount"]);
        let mut required = v1();
        required["properties"]["currency"] = json!({"type": "string"});
        required["required"] = json!(["cartId", "itemCount", "currency"]);
        for (new, why) in [(removed, "removed"), (renamed, "renamed"), (retyped, "retyped"), (required, "new required")]
        {
            assert!(!breaking_changes(&v1(), &new).is_empty(), "{why} was not caught");
        }
    }

    #[test]
    fn nested_definitions_are_compared_too() {
        let with_money = |amount_type: &str| {
            json!({
                "type": "object",
                "properties": { "total": { "$ref": "#/$defs/Money" } },
                "required": ["total"],
                "$defs": { "Money": object(json!({ "amount": {"type": amount_type}, "currency": {"type": "string"} }), &["amount", "currency"]) }
            })
        };
        assert!(breaking_changes(&with_money("integer"), &with_money("integer")).is_empty());
        assert_eq!(
            breaking_changes(&with_money("integer"), &with_money("number")),
            vec!["payload.total.amount changed type"]
        );
    }

    #[test]
    fn names_must_state_a_domain_fact() {
        assert!(check_name("cart:updated").is_ok());
        assert!(check_name("checkout:payment-submitted").is_ok());
        for bad in [
            "update",
            "cart:update",
            "redux:dispatch",
            "component:set-state",
            "Cart:Updated",
            "cart:item_added",
            "cart:-x",
        ] {
            assert!(check_name(bad).is_err(), "{bad} passed");
        }
    }

    #[test]
    fn sensitive_fields_are_found_anywhere() {
        let schema = json!({
            "properties": { "status": {}, "card_number": {} },
            "$defs": { "Payer": { "properties": { "emailAddress": {}, "cvc": {} } } }
        });
        let mut found = denied_fields(&schema);
        found.sort();
        assert_eq!(found, vec!["card_number", "cvc", "emailAddress"]);
    }
}
