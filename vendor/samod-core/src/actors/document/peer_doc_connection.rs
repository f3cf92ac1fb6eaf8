#[cfg(test)]
mod tests;

use std::time::{Duration, Instant};

use automerge::{
    Automerge, AutomergeError,
    sync::{self, SyncDoc},
};

use crate::actors::messages::SyncMessage;
use crate::{ConnectionId, PeerId, ShareConfig, UnixTimestamp, network::PeerDocState};

#[derive(Debug)]
pub(crate) struct PeerDocConnection {
    pub(super) connection_id: ConnectionId,
    pub(super) peer_id: PeerId,
    pub(super) sync_state: sync::State,
    // Remember inbound requests or sync attempts, even while denied/paused,
    // so that granting access can answer them without proactive announcement.
    pub(super) has_requested: bool,
    // Whether this state has changed since the last pop
    dirty: bool,
    state: PeerDocState,
    pub(super) share_policy: SharePolicyState,
    last_share_config: Option<ShareConfig>,
    // Preserve message ordering while the asynchronous policy lookup is pending.
    pub(super) pending_sync_messages: Vec<(SyncMessage, UnixTimestamp)>,
    /// The peer's storage id, if it is not ephemeral (PlanSync patch 7).
    pub(super) remote_storage_id: Option<crate::StorageId>,
    /// The heads this document had in common with the same peer storage when it was last
    /// connected (PlanSync patch 7): a fresh sync state starts from them, as automerge-repo's
    /// persisted sync states do, so the first message's bloom filter covers only what changed
    /// since instead of the whole history.
    remembered_heads: Vec<automerge::ChangeHash>,
    /// Send no flags section, so the peer sends changes rather than whole documents (PlanSync
    /// patch 10; see `Hub::set_decline_whole_documents`).
    decline_whole_documents: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SharePolicyState {
    Unknown,
    Loading,
    Ready(ShareConfig),
}

impl PeerDocConnection {
    pub(super) fn new(peer_id: PeerId, connection_id: ConnectionId) -> Self {
        Self::with_memory(peer_id, connection_id, None, Vec::new())
    }

    /// A connection to a peer whose storage id (if it is not ephemeral) is `remote_storage_id`,
    /// starting from `remembered_heads` in common (empty: nothing known).
    pub(super) fn with_memory(
        peer_id: PeerId,
        connection_id: ConnectionId,
        remote_storage_id: Option<crate::StorageId>,
        remembered_heads: Vec<automerge::ChangeHash>,
    ) -> Self {
        let mut connection = Self {
            connection_id,
            peer_id,
            sync_state: sync::State::new_read_only(),
            has_requested: false,
            state: PeerDocState::empty(),
            dirty: false,
            share_policy: SharePolicyState::Unknown,
            last_share_config: None,
            pending_sync_messages: Vec::new(),
            remote_storage_id,
            remembered_heads,
            decline_whole_documents: false,
        };
        connection.start_from_remembered_heads();
        connection
    }

    pub(super) fn reset_sync_state(&mut self) {
        self.sync_state = if self.can_write() {
            sync::State::new()
        } else {
            sync::State::new_read_only()
        };
        self.start_from_remembered_heads();
    }

    fn start_from_remembered_heads(&mut self) {
        if !self.remembered_heads.is_empty() {
            self.sync_state.shared_heads = self.remembered_heads.clone();
            self.state.shared_heads = Some(self.remembered_heads.clone());
        }
    }

    /// What to remember of this peer once it is gone: its storage id and the heads in common.
    pub(super) fn memory(&self) -> Option<(crate::StorageId, Vec<automerge::ChangeHash>)> {
        let storage_id = self.remote_storage_id.clone()?;
        (!self.sync_state.shared_heads.is_empty())
            .then(|| (storage_id, self.sync_state.shared_heads.clone()))
    }

    pub(super) fn prepare_request(&mut self) {
        // Initial requests already have a fresh state. Automerge has no explicit
        // API to restart synchronization, so for retries we force a read-only to
        // read-write transition. This resets local bookkeeping and tells the
        // remote to resend changes; replacing the state alone would not do that.
        if self.state.last_sent.is_some() || self.state.last_received.is_some() {
            self.sync_state.set_read_only(true);
            self.sync_state.set_read_only(false);
            self.state.shared_heads = Some(self.sync_state.shared_heads.clone());
            self.state.their_heads = self.sync_state.their_heads.clone();
            self.state.peer_read_only = self.sync_state.is_peer_read_only();
            self.dirty = true;
        }
    }

    /// See `Hub::set_decline_whole_documents`.
    pub(super) fn declining_whole_documents(mut self, decline: bool) -> Self {
        self.decline_whole_documents = decline;
        self
    }

    pub(super) fn mark_requested(&mut self) {
        if !self.has_requested {
            self.has_requested = true;
            self.dirty = true; // Mark as dirty since the request status changed
        }
    }

    pub(super) fn receive_sync_message(
        &mut self,
        now: UnixTimestamp,
        doc: &mut Automerge,
        msg: sync::Message,
    ) -> Result<Duration, AutomergeError> {
        let start = Instant::now();
        doc.receive_sync_message(&mut self.sync_state, msg)?;
        let duration = start.elapsed();
        self.dirty = true;
        self.state.last_received = Some(now);
        self.state.last_acked_heads = self.sync_state.their_heads.clone();
        self.state.shared_heads = Some(self.sync_state.shared_heads.clone());
        self.state.their_heads = self.sync_state.their_heads.clone();
        self.state.peer_read_only = self.sync_state.is_peer_read_only();
        Ok(duration)
    }

    /// Generate messages in wire order, with timing for each message.
    pub(super) fn generate_sync_messages(
        &mut self,
        now: UnixTimestamp,
        doc: &Automerge,
    ) -> Vec<(sync::Message, Duration)> {
        let heads = doc.get_heads();
        let mut messages = Vec::new();
        loop {
            let start = Instant::now();
            // To a peer that holds the document, the changes it lacks, never the whole
            // document: automerge sends a v2 peer the whole document when those changes are
            // more than a third of the history, which costs the peer a full load and a walk of
            // it. A peer that has nothing (empty heads) still gets the whole document, saved
            // compactly.
            let their_capabilities = self.sync_state.their_capabilities.clone();
            if self.decline_whole_documents
                && self
                    .sync_state
                    .their_heads
                    .as_ref()
                    .is_some_and(|heads| !heads.is_empty())
                && let Some(capabilities) = self.sync_state.their_capabilities.as_mut()
            {
                capabilities.retain(|c| *c != sync::Capability::MessageV2);
            }
            let generated = doc.generate_sync_message(&mut self.sync_state);
            self.sync_state.their_capabilities = their_capabilities;
            let Some(mut msg) = generated else {
                break;
            };
            // A peer's automerge reads "supports v2 messages" from the presence of flags. A
            // message that signals something (a sync reset, being read-only) keeps them: the
            // signal matters more than the peer's choice of format.
            let signals = |flags: sync::MessageFlags| {
                flags.contains(sync::MessageFlags::SYNC_RESET)
                    || flags.contains(sync::MessageFlags::READ_ONLY)
            };
            if self.decline_whole_documents && !msg.flags.is_some_and(signals) {
                msg.flags = None;
            }
            let duration = start.elapsed();
            let follow_up = msg.heads != heads;
            if follow_up {
                // Automerge 0.12's fallback reset advertises empty heads but
                // records the real heads as sent. An empty peer may not reply.
                // Correct the bookkeeping to what we actually advertised, then
                // immediately generate the real-heads follow-up in this batch.
                self.sync_state.last_sent_heads.clone_from(&msg.heads);
            }
            self.state.last_sent = Some(now);
            self.state.last_sent_heads = Some(msg.heads.clone());
            self.state.shared_heads = Some(self.sync_state.shared_heads.clone());
            self.dirty = true;
            messages.push((msg, duration));
            if !follow_up {
                break;
            }
        }
        messages
    }

    pub(super) fn their_heads(&self) -> Option<Vec<automerge::ChangeHash>> {
        self.sync_state.their_heads.clone()
    }

    pub(super) fn pop(&mut self) -> Option<PeerDocState> {
        if self.dirty {
            self.dirty = false;
            Some(self.state.clone())
        } else {
            None
        }
    }

    pub(super) fn state(&self) -> &PeerDocState {
        &self.state
    }

    /// Bound buffering while an application-provided policy future is pending.
    /// Permit one oversized message so a legitimate full-document sync is not
    /// limited by this queue's byte budget; transports should bound frame size.
    pub(super) fn buffer_sync_message(
        &mut self,
        msg: SyncMessage,
        received_at: UnixTimestamp,
    ) -> bool {
        const MAX_MESSAGES: usize = 64;
        const MAX_BYTES: usize = 16 * 1024 * 1024;
        let message_bytes = |msg: &SyncMessage| match msg {
            SyncMessage::Sync { data } | SyncMessage::Request { data } => data.len(),
            SyncMessage::DocUnavailable => 0,
        };
        let queued_bytes = self
            .pending_sync_messages
            .iter()
            .fold(0usize, |bytes, (msg, _)| {
                bytes.saturating_add(message_bytes(msg))
            });
        if self.pending_sync_messages.len() >= MAX_MESSAGES
            || (!self.pending_sync_messages.is_empty()
                && queued_bytes.saturating_add(message_bytes(&msg)) > MAX_BYTES)
        {
            return false;
        }
        self.pending_sync_messages.push((msg, received_at));
        true
    }

    pub(super) fn share_config(&self) -> Option<ShareConfig> {
        match self.share_policy {
            SharePolicyState::Ready(config) => Some(config),
            _ => None,
        }
    }

    pub(super) fn can_read(&self) -> bool {
        self.share_config().is_some_and(|config| config.can_read())
    }

    pub(super) fn can_write(&self) -> bool {
        self.share_config().is_some_and(|config| config.can_write())
    }

    pub(super) fn can_send(&self) -> bool {
        self.can_read()
            && (self.has_requested
                || self.sync_state.their_heads.is_some()
                || self.share_config().is_some_and(|config| config.announce))
    }

    pub(super) fn set_share_config(&mut self, config: ShareConfig) -> Option<ShareConfig> {
        let previous = self.last_share_config.replace(config);
        self.share_policy = SharePolicyState::Ready(config);
        if self.state.last_sent.is_none() && self.state.last_received.is_none() {
            // Initialize sessions which have not exchanged any sync messages yet.
            self.reset_sync_state();
        } else {
            if previous.is_some_and(|old| !old.can_read()) && config.can_read() {
                // Denial may have dropped messages; restart the exchange on re-grant.
                self.sync_state.set_read_only(false);
            }
            self.sync_state.set_read_only(!config.can_write());
            self.state.shared_heads = Some(self.sync_state.shared_heads.clone());
            self.state.their_heads = self.sync_state.their_heads.clone();
            self.state.peer_read_only = self.sync_state.is_peer_read_only();
        }
        self.state.share_config = Some(config);
        self.dirty = true;
        previous
    }
}
