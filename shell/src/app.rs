//! The page frame and the route table: each path is a slot for the remote that owns it
//! (see `contracts::routes::Remote::owning`).

use contracts::routes::Remote;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::composition::RemoteSlot;
use crate::header::Header;
use crate::i18n::{t, Text};
use crate::identity::SignInPage;
use crate::navigation::NavigationBridge;
use crate::notifications::Notifications;
use crate::platform::Platform;

#[component]
pub fn App() -> impl IntoView {
    let platform = Platform::load();
    provide_context(platform);
    crate::identity::load(platform);
    // Pages without a remote (sign-in, not found) settle at once; with one, its slot says when.
    leptos::prelude::set_timeout(move || platform.settle_page(), std::time::Duration::from_millis(1500));
    crate::composition::preload_manifest();
    crate::inspector::start(platform);
    crate::analytics::start();
    view! {
        <Router>
            <NavigationBridge />
            <a class="skip-link" href="#main">{move || t(&platform.locale.get(), Text::SkipToContent)}</a>
            <Header />
            <main id="main" class="shell-main">
                <Routes fallback=ManifestRoute>
                    <Route path=path!("/") view=|| slot(Remote::Catalog) />
                    <Route path=path!("/search") view=|| slot(Remote::Catalog) />
                    <Route path=path!("/categories/:slug") view=|| slot(Remote::Catalog) />
                    <Route path=path!("/products/:id") view=|| slot(Remote::ProductDetails) />
                    <Route path=path!("/cart") view=|| slot(Remote::Cart) />
                    <Route path=path!("/checkout") view=|| slot(Remote::Checkout) />
                    <Route path=path!("/checkout/*rest") view=|| slot(Remote::Checkout) />
                    <Route path=path!("/orders") view=|| slot(Remote::Checkout) />
                    <Route path=path!("/orders/*rest") view=|| slot(Remote::Checkout) />
                    <Route path=path!("/sign-in") view=SignInPage />
                </Routes>
            </main>
            <Notifications />
            <footer class="shell-footer">
                <p>{move || t(&platform.locale.get(), Text::Footer)}</p>
            </footer>
        </Router>
    }
}

fn slot(remote: Remote) -> impl IntoView {
    view! { <RemoteSlot name=remote.name() /> }
}

/// A path the route table does not know: a remote the manifest routes it to, or "not found".
#[component]
fn ManifestRoute() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let found = RwSignal::new(None::<Option<&'static str>>);
    Effect::new(move |_| {
        let path = location.pathname.get();
        leptos::task::spawn_local(async move { found.set(Some(crate::composition::remote_for_path(&path).await)) });
    });
    move || match found.get() {
        None => None,
        Some(Some(name)) => Some(view! { <RemoteSlot name=name /> }.into_any()),
        Some(None) => Some(view! { <NotFound /> }.into_any()),
    }
}

#[component]
fn NotFound() -> impl IntoView {
    let locale = expect_context::<Platform>().locale;
    let text = move |key| t(&locale.get(), key);
    view! {
        <section class="not-found" data-testid="not-found">
            <h1>{move || text(Text::NotFoundTitle)}</h1>
            <p>{move || text(Text::NotFoundBody)}</p>
            <a href="/">{move || text(Text::BackToShop)}</a>
        </section>
    }
}
