//! The plan screen: header with search and account, navigation, task list, task detail and the
//! sync bar; the login and log out dialogs over it.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::backend::{BackendHandle, LoginRequest, SessionView, Subscription, SyncStatus};
use crate::components::{
    AppHeader, LoadStatus, LoginDialog, LogoutDialog, PlanNav, SessionMenu, SyncBar, TaskDetail,
    TaskList,
};
use crate::scope::Scope;
use crate::session_state::{Logout, SessionAction, SessionState};
use crate::state::{Action, Load, PlanState};

#[derive(Clone, PartialEq, Properties)]
pub struct AppProps {
    pub backend: BackendHandle,
}

#[function_component]
pub fn App(props: &AppProps) -> Html {
    let state = use_reducer(PlanState::default);
    let session = use_reducer(SessionState::default);

    {
        // Loads the plan on start and again on every retry or reload.
        let dispatcher = state.dispatcher();
        let backend = props.backend.clone();
        use_effect_with(state.n_load_attempts, move |_| {
            yew::platform::spawn_local(async move {
                let action = match backend.backend().load_plan().await {
                    Ok(plan) => Action::PlanLoaded(plan),
                    Err(err) => Action::LoadFailed(err),
                };
                dispatcher.dispatch(action);
            });
        });
    }
    {
        // Subscribes to the application's sync status and session events, then asks for the
        // current values (so nothing that happened in between is missed).
        let dispatcher = session.dispatcher();
        let backend = props.backend.clone();
        use_effect_with((), move |_| {
            let subscriptions: Rc<RefCell<Option<Vec<Subscription>>>> =
                Rc::new(RefCell::new(Some(Vec::new())));
            let kept = subscriptions.clone();
            yew::platform::spawn_local(async move {
                let backend = backend.backend();
                let on_status = {
                    let dispatcher = dispatcher.clone();
                    Callback::from(move |status: SyncStatus| {
                        dispatcher.dispatch(SessionAction::SyncStatusChanged(status));
                    })
                };
                let on_session = {
                    let dispatcher = dispatcher.clone();
                    Callback::from(move |view: SessionView| {
                        dispatcher.dispatch(SessionAction::SessionChanged(view));
                    })
                };
                for subscription in [
                    backend.watch_sync_status(on_status).await,
                    backend.watch_session(on_session).await,
                ]
                .into_iter()
                .flatten()
                {
                    // After unmounting, the subscription is dropped (ended) right here.
                    if let Some(list) = kept.borrow_mut().as_mut() {
                        list.push(subscription);
                    }
                }
                if let Ok(view) = backend.session().await {
                    dispatcher.dispatch(SessionAction::SessionChanged(view));
                }
                if let Ok(status) = backend.sync_status().await {
                    dispatcher.dispatch(SessionAction::SyncStatusChanged(status));
                }
            });
            move || drop(subscriptions.borrow_mut().take())
        });
    }
    {
        // The plan may have changed under the screen: load it again, keeping it on screen.
        let dispatcher = state.dispatcher();
        use_effect_with(session.n_plan_changes, move |n_plan_changes| {
            if *n_plan_changes > 0 {
                dispatcher.dispatch(Action::Reload);
            }
        });
    }
    {
        // Logs out on entering the running step.
        let dispatcher = session.dispatcher();
        let backend = props.backend.clone();
        use_effect_with(session.logout.clone(), move |step| {
            if let Logout::Running { discard_unsynced } = *step {
                yew::platform::spawn_local(async move {
                    let action = match backend.backend().logout(discard_unsynced).await {
                        Ok(view) => SessionAction::SessionChanged(view),
                        Err(err) => SessionAction::LogoutFailed(err),
                    };
                    dispatcher.dispatch(action);
                });
            }
        });
    }

    let on_query = {
        let dispatcher = state.dispatcher();
        Callback::from(move |query: String| dispatcher.dispatch(Action::SetQuery(query)))
    };
    let on_scope = {
        let dispatcher = state.dispatcher();
        Callback::from(move |scope: Scope| dispatcher.dispatch(Action::SetScope(scope)))
    };
    let on_task = {
        let dispatcher = state.dispatcher();
        Callback::from(move |id| dispatcher.dispatch(Action::SelectTask(id)))
    };
    let on_close = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::CloseDetail))
    };
    let on_retry = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::Retry))
    };
    let session_action = |action: SessionAction| {
        let dispatcher = session.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(action.clone()))
    };
    let on_login_submit = {
        let dispatcher = session.dispatcher();
        let backend = props.backend.clone();
        Callback::from(move |request: LoginRequest| {
            dispatcher.dispatch(SessionAction::LoginSubmitted);
            let dispatcher = dispatcher.clone();
            let backend = backend.clone();
            yew::platform::spawn_local(async move {
                let action = match backend.backend().login(request).await {
                    Ok(view) => SessionAction::SessionChanged(view),
                    Err(err) => SessionAction::LoginFailed(err),
                };
                dispatcher.dispatch(action);
            });
        })
    };

    let body = match &state.load {
        Load::Loading => html! { <LoadStatus error={None} on_retry={on_retry} /> },
        Load::Failed(err) => html! { <LoadStatus error={Some(err.clone())} on_retry={on_retry} /> },
        Load::Loaded(plan) => html! {
            <div class="workspace">
                <PlanNav plan={plan.clone()} scope={state.scope.clone()} on_select={on_scope.clone()} />
                <TaskList
                    plan={plan.clone()}
                    scope={state.scope.clone()}
                    query={state.query.clone()}
                    selected={state.selected.clone()}
                    on_select={on_task}
                    on_scope={on_scope}
                />
                <TaskDetail
                    plan={plan.clone()}
                    selected={state.selected.clone()}
                    on_close={on_close}
                    user={session.view.as_ref().and_then(|view| view.user.clone())}
                    n_unconfirmed={session.sync.n_unconfirmed}
                    n_plan_changes={session.n_plan_changes}
                />
            </div>
        },
    };
    let user = session.view.as_ref().and_then(|view| view.user.clone());
    let login_dialog = session.login.open.then(|| {
        html! {
            <LoginDialog
                server_url={session.proposed_server_url()}
                username={session.username().unwrap_or_default().to_string()}
                busy={session.login.busy}
                error={session.login.error.clone()}
                on_submit={on_login_submit}
                on_cancel={session_action(SessionAction::CloseLogin)}
            />
        }
    });
    let (n_unconfirmed, logout_error) = match &session.logout {
        Logout::Confirming { n_unconfirmed } => (Some(*n_unconfirmed), None),
        Logout::Failed(err) => (None, Some(err.clone())),
        Logout::Idle | Logout::Running { .. } => (None, None),
    };

    html! {
        <ContextProvider<BackendHandle> context={props.backend.clone()}>
            <div class="app">
                <AppHeader plan={state.plan().cloned()} query={state.query.clone()} on_query={on_query}>
                    <SessionMenu
                        user={user.clone()}
                        known={session.view.is_some()}
                        busy={matches!(session.logout, Logout::Running { .. })}
                        expired={session.session_expired()}
                        on_login={session_action(SessionAction::OpenLogin)}
                        on_logout={session_action(SessionAction::LogoutRequested)}
                    />
                </AppHeader>
                { body }
                <SyncBar status={session.sync.clone()} logged_in={user.is_some()} />
                { for login_dialog }
                <LogoutDialog
                    n_unconfirmed={n_unconfirmed}
                    error={logout_error}
                    on_confirm={session_action(SessionAction::LogoutConfirmed)}
                    on_cancel={session_action(SessionAction::LogoutCancelled)}
                />
            </div>
        </ContextProvider<BackendHandle>>
    }
}
