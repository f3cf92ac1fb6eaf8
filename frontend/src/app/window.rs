//! The plan screen: header with search and account, navigation, task list, task detail and the
//! sync bar; the login and log out dialogs over it.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::app_header::AppHeader;
use super::keyboard::{shortcut, Shortcut};
use super::load_status::LoadStatus;
use super::navigation::{Navigate, Navigation, PlanEditing, QueueEntry, RecordFocus, View};
use super::state::{Action, Load, PlanState};
use super::view_tabs::ViewTabs;
use crate::backend::{BackendHandle, LoginRequest, SessionView, Subscription, SyncStatus};
use crate::export::ExportPanel;
use crate::overview::Dashboard;
use crate::overview::IndicatorsTable;
use crate::overview::UnitTasks;
use crate::overview::{LoadGate, OverviewAction, OverviewLoad, OverviewState};
use crate::plan::PlanNav;
use crate::plan::Scope;
use crate::plan::TaskList;
use crate::plan::{ReportHeadingForm, TaskEditForm};
use crate::session::LoginDialog;
use crate::session::LogoutDialog;
use crate::session::SessionMenu;
use crate::session::SettingsDialog;
use crate::session::SyncBar;
use crate::session::{Logout, SessionAction, SessionContext, SessionState};
use crate::task_page::TaskDetail;
use crate::ui::error_label;
use shared::calendar::PeriodId;
use shared::overview::TaskFilter;
use shared::TaskId;

#[derive(Clone, PartialEq, Properties)]
pub struct AppProps {
    pub backend: BackendHandle,
}

#[function_component]
pub fn App(props: &AppProps) -> Html {
    let state = use_reducer(PlanState::default);
    let navigation = use_reducer(Navigation::default);
    let session = use_reducer(SessionState::default);
    let overview = use_reducer(OverviewState::default);
    let search_ref = use_node_ref();
    let load_gate = use_mut_ref(LoadGate::default);
    let username = session
        .view
        .as_ref()
        .and_then(|v| v.user.as_ref())
        .map(|u| u.username.clone());
    let role = session
        .view
        .as_ref()
        .and_then(|v| v.user.as_ref())
        .map(|u| u.role.clone());
    let view = navigation.view(role.as_deref());

    {
        // Loads the plan on start and again on every retry or reload.
        let dispatcher = state.dispatcher();
        let backend = props.backend.clone();
        use_effect_with(state.n_load_attempts, move |_| {
            yew::platform::spawn_local(async move {
                let action = match backend.backend().load_plan().await {
                    Ok(plan) => Action::PlanLoaded(Rc::new(plan)),
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
        // A plan loaded: the navigation leaves a part or task it no longer has.
        let dispatcher = navigation.dispatcher();
        use_effect_with(state.plan().cloned(), move |plan| {
            if let Some(plan) = plan {
                dispatcher.dispatch(Navigate::PlanLoaded(plan.clone()));
            }
        });
    }
    {
        // Someone else logged in (or out): the overview and the screens start afresh.
        let dispatcher = overview.dispatcher();
        let navigator = navigation.dispatcher();
        use_effect_with(username.clone(), move |_| {
            dispatcher.dispatch(OverviewAction::SessionChanged);
            navigator.dispatch(Navigate::SessionChanged);
        });
    }
    {
        // Documents changed (here or synced from elsewhere), or syncing finished: read the
        // overview again.
        let dispatcher = overview.dispatcher();
        use_effect_with(
            (session.sync.n_doc_changes, session.n_plan_changes),
            move |_| dispatcher.dispatch(OverviewAction::Refresh),
        );
    }
    {
        // A plan editor's change (here or synced) changes the plan: load it again.
        let dispatcher = state.dispatcher();
        use_effect_with(session.sync.n_doc_changes, move |n_doc_changes| {
            if *n_doc_changes > 0 {
                dispatcher.dispatch(Action::Reload);
            }
        });
    }
    {
        // Loads the overview the screen shows, for the chosen period.
        let dispatcher = overview.dispatcher();
        let backend = props.backend.clone();
        let logged_in = username.is_some();
        let gate = load_gate.clone();
        use_effect_with(
            (
                overview.n_loads,
                overview.period,
                logged_in,
                view.needs_overview(),
            ),
            move |(n_loads, period, logged_in, needed)| {
                if *logged_in && *needed && gate.borrow_mut().start() {
                    let (n_loads, period) = (*n_loads, *period);
                    yew::platform::spawn_local(async move {
                        let answer = backend.backend().overview(period).await;
                        let action = if gate.borrow_mut().finish() {
                            OverviewAction::Refresh
                        } else {
                            match answer {
                                Ok(found) => OverviewAction::Loaded(n_loads, Box::new(found)),
                                Err(err) => OverviewAction::Failed(n_loads, err),
                            }
                        };
                        dispatcher.dispatch(action);
                    });
                }
            },
        );
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
        let dispatcher = navigation.dispatcher();
        Callback::from(move |scope: Scope| dispatcher.dispatch(Navigate::SetScope(scope)))
    };
    let on_task = {
        let dispatcher = navigation.dispatcher();
        Callback::from(move |id| dispatcher.dispatch(Navigate::SelectTask(id)))
    };
    let on_open = {
        let dispatcher = navigation.dispatcher();
        Callback::from(move |(id, focus): (TaskId, RecordFocus)| {
            dispatcher.dispatch(Navigate::OpenRecord(id, focus));
        })
    };
    let on_view = {
        let dispatcher = navigation.dispatcher();
        Callback::from(move |view: View| dispatcher.dispatch(Navigate::ShowView(view)))
    };
    let on_show_tasks = {
        let dispatcher = overview.dispatcher();
        let navigator = navigation.dispatcher();
        Callback::from(move |filter: TaskFilter| {
            dispatcher.dispatch(OverviewAction::SetFilter(filter));
            navigator.dispatch(Navigate::ShowView(View::UnitTasks));
        })
    };
    let on_period = {
        let dispatcher = overview.dispatcher();
        Callback::from(move |period: PeriodId| {
            dispatcher.dispatch(OverviewAction::SetPeriod(period));
        })
    };
    let on_filter = {
        let dispatcher = overview.dispatcher();
        Callback::from(move |action: OverviewAction| dispatcher.dispatch(action))
    };
    let can_edit_plan = role.as_deref() == Some("plan-editor");
    let on_edit = can_edit_plan.then(|| {
        let dispatcher = navigation.dispatcher();
        Callback::from(move |id: TaskId| {
            dispatcher.dispatch(Navigate::StartEditing(PlanEditing::Task(id)));
        })
    });
    let on_add = can_edit_plan.then(|| {
        let dispatcher = navigation.dispatcher();
        Callback::from(move |place: PlanEditing| {
            dispatcher.dispatch(Navigate::StartEditing(place));
        })
    });
    let on_edit_saved = {
        // The saved task's page opens, and the plan is loaded again.
        let navigator = navigation.dispatcher();
        let dispatcher = state.dispatcher();
        Callback::from(move |id: TaskId| {
            navigator.dispatch(Navigate::PlanEdited(id));
            dispatcher.dispatch(Action::Reload);
        })
    };
    let on_edit_cancel = {
        let dispatcher = navigation.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Navigate::StopEditing))
    };
    let edit_form = |plan: &Rc<shared::Plan>| {
        navigation.editing.clone().map(|editing| {
            let key = format!("{editing:?}");
            html! {
                <TaskEditForm
                    key={key}
                    plan={plan.clone()}
                    editing={editing}
                    on_saved={on_edit_saved.clone()}
                    on_cancel={on_edit_cancel.clone()}
                />
            }
        })
    };
    let on_close = {
        let dispatcher = navigation.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Navigate::CloseDetail))
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

    let session_context = SessionContext {
        user: session.view.as_ref().and_then(|view| view.user.clone()),
        sync: session.sync.clone(),
        n_plan_changes: session.n_plan_changes,
    };
    let office = session_context.is_office();
    // The office's queue, for "next report to appraise" on the task page.
    let queue: Vec<QueueEntry> = match &overview.load {
        OverviewLoad::Loaded(data) if data.can_review => {
            shared::overview::appraisal_queue(&data.report)
                .into_iter()
                .map(|(task, unit)| QueueEntry {
                    task_id: task.task_id.clone(),
                    task_label: format!("{} — {}", task.code, task.title),
                    unit: unit.unit_code.clone(),
                    unit_name: unit.unit_name.clone(),
                    period: data.report.period,
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let body = match &state.load {
        Load::Loading => html! { <LoadStatus error={None} on_retry={on_retry} /> },
        Load::Failed(err) => html! { <LoadStatus error={Some(err.clone())} on_retry={on_retry} /> },
        Load::Loaded(plan) if view != View::Plan => {
            let main = match (&overview.load, view) {
                (OverviewLoad::Loaded(data), View::UnitTasks) => html! {
                    <UnitTasks
                        overview={data.clone()}
                        filter={TaskFilter { query: state.query.clone(), ..overview.filter.clone() }}
                        selected={navigation.selected.clone()}
                        on_open={on_open.clone()}
                        on_filter={on_filter.clone()}
                        on_period={on_period.clone()}
                    />
                },
                (OverviewLoad::Loaded(data), View::Dashboard) => html! {
                    <Dashboard overview={data.clone()} on_open={on_open.clone()} on_show_tasks={on_show_tasks.clone()} on_period={on_period.clone()} />
                },
                (OverviewLoad::Loaded(data), View::Export) => html! {
                    <ExportPanel overview={data.clone()} on_period={on_period.clone()} />
                },
                (OverviewLoad::Loaded(data), _) => html! {
                    <IndicatorsTable overview={data.clone()} on_open={on_open.clone()} on_period={on_period.clone()} />
                },
                (OverviewLoad::Failed(err), _) => {
                    let retry = overview.dispatcher();
                    let on_retry = Callback::from(move |_: MouseEvent| {
                        retry.dispatch(OverviewAction::Refresh)
                    });
                    html! {
                        <main class="overview-main">
                            <div class="load-status error" role="alert" id="overview-error">
                                <p>{ "Chưa xem được số liệu tổng hợp: " }{ error_label(err) }</p>
                                <button type="button" onclick={on_retry}>{ "Thử lại" }</button>
                            </div>
                        </main>
                    }
                }
                (OverviewLoad::Idle | OverviewLoad::Loading, _) => html! {
                    <main class="overview-main"><p class="hint" id="overview-loading">{ "Đang tổng hợp số liệu…" }</p></main>
                },
            };
            let detail = edit_form(plan).or_else(|| {
                navigation.selected.is_some().then(|| {
                    html! {
                        <TaskDetail
                            plan={plan.clone()}
                            selected={navigation.selected.clone()}
                            on_close={on_close.clone()}
                            on_edit={on_edit.clone()}
                            focus={navigation.focus.clone()}
                            queue={queue.clone()}
                            on_open={Some(on_open.clone())}
                        />
                    }
                })
            });
            html! {
                <div class={classes!("workspace", "overview", detail.is_some().then_some("with-detail"))}>
                    { main }
                    { for detail }
                </div>
            }
        }
        Load::Loaded(plan) => html! {
            <div class="workspace">
                <PlanNav plan={plan.clone()} scope={navigation.scope.clone()} on_select={on_scope.clone()} />
                <TaskList
                    plan={plan.clone()}
                    scope={navigation.scope.clone()}
                    query={state.query.clone()}
                    selected={navigation.selected.clone()}
                    on_select={on_task}
                    on_scope={on_scope}
                    on_add={on_add}
                />
                if let Some(form) = edit_form(plan) {
                    { form }
                } else if can_edit_plan && navigation.selected.is_none() {
                    <ReportHeadingForm plan={plan.clone()} />
                } else {
                    <TaskDetail
                        plan={plan.clone()}
                        selected={navigation.selected.clone()}
                        on_close={on_close}
                        on_edit={on_edit}
                        focus={navigation.focus.clone()}
                    />
                }
            </div>
        },
    };
    let views = View::available(role.as_deref());
    let tabs = (views.len() > 1).then(|| {
        html! {
            <ViewTabs views={views} current={view} office={office} on_select={on_view} />
        }
    });
    let login_dialog = session.login.open.then(|| {
        html! {
            <LoginDialog
                server_url={session.proposed_server_url()}
                username={session.username().unwrap_or_default().to_string()}
                busy={session.login.busy}
                error={session.login.error.clone()}
                on_submit={on_login_submit}
                on_cancel={session_action(SessionAction::CloseLogin)}
                view={session.view.clone()}
            />
        }
    });
    let (n_unconfirmed, logout_error) = match &session.logout {
        Logout::Confirming { n_unconfirmed } => (Some(*n_unconfirmed), None),
        Logout::Failed(err) => (None, Some(err.clone())),
        Logout::Idle | Logout::Running { .. } => (None, None),
    };

    let on_keydown = {
        let search_ref = search_ref.clone();
        let navigator = navigation.dispatcher();
        let editing = navigation.editing.is_some();
        Callback::from(move |event: KeyboardEvent| {
            let in_text_field = event
                .target_dyn_into::<web_sys::Element>()
                .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
            let ctrl = event.ctrl_key() || event.meta_key();
            match shortcut(&event.key(), ctrl, event.alt_key(), in_text_field) {
                Some(Shortcut::FocusSearch) => {
                    if let Some(input) = search_ref.cast::<web_sys::HtmlInputElement>() {
                        event.prevent_default();
                        let _ = input.focus();
                        input.select();
                    }
                }
                Some(Shortcut::CloseDetail) => navigator.dispatch(if editing {
                    Navigate::StopEditing
                } else {
                    Navigate::CloseDetail
                }),
                Some(Shortcut::Tab(n)) => {
                    if let Some(view) = views.get(n) {
                        event.prevent_default();
                        navigator.dispatch(Navigate::ShowView(*view));
                    }
                }
                None => {}
            }
        })
    };

    html! {
        <ContextProvider<BackendHandle> context={props.backend.clone()}>
        <ContextProvider<SessionContext> context={session_context}>
            <div class="app" onkeydown={on_keydown}>
                <AppHeader plan={state.plan().cloned()} query={state.query.clone()} on_query={on_query} search_ref={search_ref.clone()}>
                    <SessionMenu
                        known={session.view.is_some()}
                        busy={matches!(session.logout, Logout::Running { .. })}
                        expired={session.session_expired()}
                        on_login={session_action(SessionAction::OpenLogin)}
                        on_logout={session_action(SessionAction::LogoutRequested)}
                        on_settings={session_action(SessionAction::OpenSettings)}
                    />
                </AppHeader>
                { for tabs }
                { body }
                <SyncBar on_settings={session_action(SessionAction::OpenSettings)} />
                { for login_dialog }
                if session.settings_open {
                    <SettingsDialog on_close={session_action(SessionAction::CloseSettings)} />
                }
                <LogoutDialog
                    n_unconfirmed={n_unconfirmed}
                    error={logout_error}
                    on_confirm={session_action(SessionAction::LogoutConfirmed)}
                    on_cancel={session_action(SessionAction::LogoutCancelled)}
                />
            </div>
        </ContextProvider<SessionContext>>
        </ContextProvider<BackendHandle>>
    }
}
