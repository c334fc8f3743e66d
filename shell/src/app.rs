//! The page frame and the routing rule: every path belongs to the remote that owns it
//! (`contracts::routes::Remote::owning`), to a remote the manifest routes it to, or to one of the
//! shell's own pages (sign-in, not found).
//!
//! One rule instead of a route table: the router keeps the history and the location, and the page
//! changes only when the owner of the path does, so moving from `/` to `/categories/tractors`
//! keeps the catalog mounted (it follows the URL itself, as every remote does).

use contracts::routes::Remote;
use leptos::prelude::*;
use leptos_router::components::Router;
use leptos_router::hooks::use_location;
use leptos_router::location::{BrowserUrl, LocationProvider};

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
    crate::placement::start(platform);
    crate::analytics::start();
    view! {
        <Router>
            <NavigationBridge />
            <a class="skip-link" href="#main">{move || t(&platform.locale.get(), Text::SkipToContent)}</a>
            <Header />
            <main id="main" class="shell-main">
                <Page />
            </main>
            <Notifications />
            <footer class="shell-footer">
                <p>{move || t(&platform.locale.get(), Text::Footer)}</p>
            </footer>
        </Router>
    }
}

/// Who a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Remote(Remote),
    SignIn,
    /// Not a built-in remote's: the manifest may route it to another one.
    Elsewhere,
}

/// The page of the path: the sign-in page, the remote that owns it (a built-in one or one the
/// manifest routes to), or "not found".
#[component]
fn Page() -> impl IntoView {
    let location = use_location();
    // leptos_router writes a link's URL into the address bar once the route table says the new
    // page is ready; there is no route table here, and every page is ready at once (the remote
    // shows its own loading state), so each change of location completes its navigation.
    if let Some(browser_url) = use_context::<BrowserUrl>() {
        Effect::new(move |_| {
            location.pathname.track();
            location.search.track();
            browser_url.ready_to_complete();
        });
    }
    let owner = Memo::new(move |_| {
        location.pathname.with(|path| match Remote::owning(path) {
            Some(remote) => Owner::Remote(remote),
            None if path == contracts::routes::SIGN_IN_PATH => Owner::SignIn,
            None => Owner::Elsewhere,
        })
    });
    // For a path no built-in remote owns: (the path, what the manifest says about it).
    let routed = RwSignal::new(None::<(String, Option<&'static str>)>);
    Effect::new(move |_| {
        let path = location.pathname.get();
        if owner.get() == Owner::Elsewhere {
            leptos::task::spawn_local(async move {
                let name = crate::composition::remote_for_path(&path).await;
                routed.set(Some((path, name)));
            });
        }
    });
    let manifest_route = Memo::new(move |_| {
        location.pathname.with(|path| routed.with(|r| r.as_ref().filter(|(p, _)| p == path).map(|(_, name)| *name)))
    });
    move || match (owner.get(), manifest_route.get()) {
        (Owner::Remote(remote), _) => Some(view! { <RemoteSlot name=remote.name() /> }.into_any()),
        (Owner::SignIn, _) => Some(view! { <SignInPage /> }.into_any()),
        (Owner::Elsewhere, Some(Some(name))) => Some(view! { <RemoteSlot name=name /> }.into_any()),
        (Owner::Elsewhere, Some(None)) => Some(view! { <NotFound /> }.into_any()),
        (Owner::Elsewhere, None) => None,
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
