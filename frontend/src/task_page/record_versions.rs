//! Competing versions of one field, side by side, each with who wrote it and a "Chọn" button
//! that makes it the value for everyone.

use yew::prelude::*;

#[derive(Clone, PartialEq)]
pub struct VersionChoice {
    /// The value in words.
    pub label: String,
    /// Who wrote it: the user (from the history) and the device.
    pub by: String,
}

#[derive(Clone, PartialEq, Properties)]
pub struct RecordVersionsProps {
    pub id: AttrValue,
    /// "Trạng thái", "Tiến độ".
    pub field: AttrValue,
    pub versions: Vec<VersionChoice>,
    pub can_choose: bool,
    /// Called with the index of the chosen version.
    pub on_choose: Callback<usize>,
}

#[function_component]
pub fn RecordVersions(props: &RecordVersionsProps) -> Html {
    html! {
        <section id={props.id.clone()} class="record-versions" role="group"
            aria-label={format!("Các giá trị khác nhau của {}", props.field)}>
            <p class="versions-title">
                { format!("{}: có {} giá trị khác nhau (sửa cùng lúc trên nhiều máy). Hãy chọn giá trị đúng.", props.field, props.versions.len()) }
            </p>
            <ul class="versions">
                { for props.versions.iter().enumerate().map(|(idx, version)| {
                    let on_choose = props.on_choose.reform(move |_: MouseEvent| idx);
                    html! {
                        <li class="version">
                            <span class="version-value">{ &version.label }</span>
                            <span class="version-by">{ &version.by }</span>
                            if props.can_choose {
                                <button type="button" class="version-choose" onclick={on_choose}>{ "Chọn" }</button>
                            }
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
