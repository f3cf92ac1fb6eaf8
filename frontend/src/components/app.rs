//! The plan screen: header with search, navigation, task list and task detail.

use yew::prelude::*;

use crate::backend::BackendHandle;
use crate::components::{AppHeader, LoadStatus, PlanNav, TaskDetail, TaskList};
use crate::scope::Scope;
use crate::state::{Action, Load, PlanState};

#[derive(Clone, PartialEq, Properties)]
pub struct AppProps {
    pub backend: BackendHandle,
}

#[function_component]
pub fn App(props: &AppProps) -> Html {
    let state = use_reducer(PlanState::default);

    {
        // Loads the plan on start and again on every retry.
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
                <TaskDetail plan={plan.clone()} selected={state.selected.clone()} on_close={on_close} />
            </div>
        },
    };

    html! {
        <ContextProvider<BackendHandle> context={props.backend.clone()}>
            <div class="app">
                <AppHeader plan={state.plan().cloned()} query={state.query.clone()} on_query={on_query} />
                { body }
            </div>
        </ContextProvider<BackendHandle>>
    }
}
