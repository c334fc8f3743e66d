//! Identity, owned by the shell and enforced by the cart API: the sign-in page, the account menu
//! and signing out. Remotes learn who is signed in from the mount context's identity summary and
//! from `user:logged-in` / `user:logged-out`; they never see a password, a token or a cookie.

use contracts::api::SignIn;
use contracts::browser::events::{new_trace_id, publish};
use contracts::browser::http;
use contracts::context::IdentitySummary;
use contracts::events::{NotificationLevel, NotificationRequested, UserLoggedIn, UserLoggedOut};
use contracts::problems::ProblemKind;
use contracts::routes::{return_to, sign_in_path, ORDERS_PATH};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_location, use_navigate};

use crate::i18n::{t, Text};
use crate::platform::{Platform, SHELL};

/// Who the visitor is, once at start-up: the server that sent the page says so in it (a
/// `<script type="application/json" id="platform-identity">` data block, never run), so the
/// remotes mount at once; a page without one asks the API.
pub fn load(platform: Platform) {
    if let Some(identity) = embedded() {
        platform.identity.set(identity);
        platform.identity_known.set(true);
        return;
    }
    spawn_local(async move {
        match http::get_json::<IdentitySummary>("/api/me").await {
            Ok(identity) => platform.identity.set(identity),
            // The store still works for a guest; the API's own answers will say more.
            Err(e) => web_sys::console::warn_1(&format!("[shell-identity] {e}").into()),
        }
        platform.identity_known.set(true);
    });
}

/// The identity summary the page carries, if the server put one in.
fn embedded() -> Option<IdentitySummary> {
    let text =
        web_sys::window()?.document()?.get_element_by_id(contracts::context::IDENTITY_ELEMENT)?.text_content()?;
    let value = js_sys::JSON::parse(&text).ok()?;
    contracts::browser::js::from_js(value).ok()
}

fn toast(level: NotificationLevel, message: &str) {
    publish(SHELL, &new_trace_id(), NotificationRequested { level, message: message.to_string() });
}

/// `/sign-in?returnTo=...`
#[component]
pub fn SignInPage() -> impl IntoView {
    let platform = expect_context::<Platform>();
    let locale = platform.locale;
    let location = use_location();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<Text>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        let destination = return_to(&location.search.get_untracked());
        let navigate = navigate.clone();
        let credentials = SignIn { email: email.get_untracked(), password: password.get_untracked() };
        spawn_local(async move {
            let trace_id = new_trace_id();
            match http::send_json::<_, IdentitySummary>("POST", "/api/session/login", &credentials, &trace_id).await {
                Ok(identity) => {
                    let user_id = identity.user_id.clone().unwrap_or_default();
                    let name = identity.display_name.clone().unwrap_or_default();
                    platform.identity.set(identity);
                    password.set(String::new());
                    publish(SHELL, &trace_id, UserLoggedIn { user_id });
                    toast(
                        NotificationLevel::Success,
                        &format!("{}, {name}", t(&locale.get_untracked(), Text::Welcome)),
                    );
                    navigate(&destination, Default::default());
                }
                Err(e) if e.is(ProblemKind::InvalidCredentials) => error.set(Some(Text::WrongCredentials)),
                Err(e) if e.is(ProblemKind::TooManyAttempts) => error.set(Some(Text::TooManyAttempts)),
                Err(_) => error.set(Some(Text::SignInFailed)),
            }
            busy.set(false);
        });
    };

    let text = move |key| t(&locale.get(), key);
    view! {
        <section class="sign-in" data-testid="sign-in">
            <h1>{move || text(Text::SignInTitle)}</h1>
            <form on:submit=submit novalidate>
                <label for="sign-in-email">{move || text(Text::Email)}</label>
                <input id="sign-in-email" name="email" type="email" autocomplete="username" required
                    prop:value=email on:input=move |ev| email.set(event_target_value(&ev)) />
                <label for="sign-in-password">{move || text(Text::Password)}</label>
                <input id="sign-in-password" name="password" type="password" autocomplete="current-password" required
                    prop:value=password on:input=move |ev| password.set(event_target_value(&ev)) />
                {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="sign-in-error">{text(e)}</p> })}
                <button type="submit" data-testid="sign-in-submit" disabled=move || busy.get()>
                    {move || if busy.get() { text(Text::SigningIn) } else { text(Text::SignIn) }}
                </button>
            </form>
            <p class="sign-in-hint">{move || text(Text::SignInHint)}</p>
        </section>
    }
}

/// Sign-in link or the signed-in visitor's name with Orders and Sign out.
#[component]
pub fn AccountMenu() -> impl IntoView {
    let platform = expect_context::<Platform>();
    let locale = platform.locale;
    let location = use_location();
    let text = move |key| t(&locale.get(), key);
    let sign_out = move |_| {
        spawn_local(async move {
            let trace_id = new_trace_id();
            match http::send_json::<_, IdentitySummary>(
                "POST",
                "/api/session/logout",
                &contracts::api::SignOut {},
                &trace_id,
            )
            .await
            {
                Ok(identity) => {
                    platform.identity.set(identity);
                    publish(SHELL, &trace_id, UserLoggedOut { reason: "user".into() });
                    toast(NotificationLevel::Info, t(&locale.get_untracked(), Text::SignedOut));
                }
                Err(e) => toast(NotificationLevel::Error, &e.to_string()),
            }
        });
    };
    move || {
        let identity = platform.identity.get();
        if identity.logged_in {
            view! {
                <div class="account-menu" data-testid="account-menu">
                    <span class="account-name">
                        <span class="visually-hidden">{text(Text::SignedInAs)} " "</span>
                        <span data-testid="account-name">{identity.display_name.unwrap_or_default()}</span>
                    </span>
                    <a href=ORDERS_PATH>{text(Text::Orders)}</a>
                    <button type="button" class="link-button" data-testid="sign-out" on:click=sign_out>{text(Text::SignOut)}</button>
                </div>
            }
            .into_any()
        } else {
            let here = format!("{}{}", location.pathname.get(), location.search.get());
            let target = if here.starts_with("/sign-in") { "/sign-in".to_string() } else { sign_in_path(&here) };
            view! {
                <div class="account-menu">
                    <a href=target data-testid="sign-in-link">{text(Text::SignIn)}</a>
                </div>
            }
            .into_any()
        }
    }
}
