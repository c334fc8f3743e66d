// The API reference, rendered from /api/openapi.json by the page itself: no framework, no CDN,
// and no innerHTML, so no text of the document can become markup.

const METHODS = ["get", "post", "put", "patch", "delete"];

/** An element with attributes and children (strings become text nodes). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const refName = (ref) => ref.split("/").pop();

/** A schema in one line: a link for a named schema, `[T]` for arrays, `A | B` for choices. */
function typeOf(schema) {
  if (!schema) return "any";
  if (schema.$ref) return el("a", { href: `#schema-${refName(schema.$ref)}` }, refName(schema.$ref));
  const choices = schema.oneOf || schema.anyOf;
  if (choices) return joined(choices.map(typeOf), " | ");
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  if (schema.type === "array") return el("span", {}, "[", typeOf(schema.items), "]");
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  return [schema.type || "object", schema.format ? ` (${schema.format})` : ""].join("");
}

function joined(parts, separator) {
  return parts.flatMap((part, i) => (i === 0 ? [part] : [separator, part]));
}

/** What JSON Schema says beyond the type: bounds, lengths, patterns. */
function constraints(schema = {}) {
  const said = [];
  for (const key of ["minimum", "maximum", "minLength", "maxLength", "pattern", "default"]) {
    if (schema[key] !== undefined) said.push(`${key} ${JSON.stringify(schema[key])}`);
  }
  return said.length ? el("span", { class: "constraints" }, said.join(", ")) : null;
}

function parameters(operation) {
  const list = operation.parameters || [];
  if (!list.length) return null;
  return [
    el("h4", {}, "Parameters"),
    el("table", {},
      el("tr", {}, el("th", {}, "name"), el("th", {}, "in"), el("th", {}, "type"), el("th", {}, "")),
      list.map((p) => el("tr", {},
        el("td", {}, el("code", {}, p.name), p.required ? " (required)" : ""),
        el("td", {}, p.in),
        el("td", {}, typeOf(p.schema), " ", constraints(p.schema)),
        el("td", {}, p.description || "")))),
  ];
}

function contentRows(content = {}) {
  return Object.entries(content).map(([type, media]) => el("div", {}, el("code", {}, type), " ", typeOf(media.schema)));
}

function requestBody(operation) {
  const body = operation.requestBody;
  if (!body) return null;
  return [el("h4", {}, "Body", body.required ? " (required)" : ""), body.description ? el("p", {}, body.description) : null,
    contentRows(body.content)];
}

function responses(operation) {
  return [
    el("h4", {}, "Answers"),
    el("table", {},
      Object.entries(operation.responses || {}).map(([status, answer]) => el("tr", { "data-status": status },
        el("td", {}, el("code", {}, status)),
        el("td", {}, answer.description || ""),
        el("td", {}, contentRows(answer.content))))),
  ];
}

function operationView(path, method, operation) {
  const label = `${method.toUpperCase()} ${path}`;
  return el("details", { class: "operation", "data-testid": "operation", "data-operation": label },
    el("summary", {}, el("span", { class: `method ${method}` }, method), el("span", { class: "path" }, path),
      el("span", { class: "summary" }, operation.summary || "")),
    el("div", {}, operation.description ? el("p", {}, operation.description) : null,
      parameters(operation), requestBody(operation), responses(operation)));
}

function schemaView(name, schema) {
  const required = new Set(schema.required || []);
  const properties = Object.entries(schema.properties || {});
  return el("section", { class: "schema", id: `schema-${name}` },
    el("h3", {}, name), schema.description ? el("p", {}, schema.description) : null,
    properties.length
      ? el("table", {}, properties.map(([field, property]) => el("tr", {},
        el("td", {}, el("code", {}, field), required.has(field) ? "" : " (optional)"),
        el("td", {}, typeOf(property), " ", constraints(property)),
        el("td", {}, property.description || ""))))
      : el("p", {}, typeOf(schema), " ", constraints(schema)));
}

function render(doc) {
  const tags = (doc.tags || []).map((t) => t.name);
  const byTag = new Map(tags.map((t) => [t, []]));
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const method of METHODS) {
      if (!item[method]) continue;
      const tag = (item[method].tags || ["other"])[0];
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push(operationView(path, method, item[method]));
    }
  }
  const described = new Map((doc.tags || []).map((t) => [t.name, t.description]));
  const schemas = Object.entries((doc.components || {}).schemas || {});
  return [
    el("h1", {}, doc.info.title, " ", el("small", {}, doc.info.version)),
    el("p", {}, doc.info.description || ""),
    el("p", {}, "OpenAPI ", doc.openapi, ": ", el("a", { href: "/api/openapi.json" }, "/api/openapi.json")),
    el("nav", { "aria-label": "Sections" }, el("ul", {},
      [...byTag.keys()].map((tag) => el("li", {}, el("a", { href: `#tag-${tag}` }, tag))),
      el("li", {}, el("a", { href: "#schemas" }, "schemas")))),
    [...byTag.entries()].map(([tag, views]) => el("section", { id: `tag-${tag}` },
      el("h2", {}, tag), described.get(tag) ? el("p", {}, described.get(tag)) : null, views)),
    el("section", { id: "schemas" }, el("h2", {}, "Schemas"), schemas.map(([name, schema]) => schemaView(name, schema))),
  ];
}

const main = document.getElementById("docs");
try {
  const answer = await fetch("/api/openapi.json", { headers: { accept: "application/json" } });
  if (!answer.ok) throw new Error(`the document answered ${answer.status}`);
  main.replaceChildren(...render(await answer.json()).flat(Infinity));
} catch (error) {
  main.append(el("p", { role: "alert", "data-testid": "docs-error" }, `The API document could not be read: ${error.message}`));
}
main.removeAttribute("aria-busy");
