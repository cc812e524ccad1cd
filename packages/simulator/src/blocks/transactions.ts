// E — Transactions, station side: the state machine lives in ../tx-engine.ts; this block answers
// GetTransactionStatus (E14) and CostUpdated (the running cost, used for transactionLimit.maxCost, E16.FR.15),
// and exposes the station-initiated TransactionEvent flow.
import type { Block } from '../block.ts';
import { onCostUpdate } from '../tx-limits.ts';
export { evaluate, startTx, endTx, sendTxEvent } from '../tx-engine.ts';

export const block: Block = {
  id: 'E',
  name: 'Transactions',
  handlers: {
    GetTransactionStatus: (st, req) => {
      if (req.transactionId === undefined) {
        // [E14.FR.06] [E14.FR.07] [E14.FR.08] without transactionId: no ongoingIndicator, whether anything is queued.
        return { messagesInQueue: st.outbox.size > 0 };
      }
      // [E14.FR.01]..[E14.FR.05] ongoingIndicator and messagesInQueue for that transaction.
      const ongoing = st.evses.some((e) => e.tx?.id === req.transactionId);
      return { ongoingIndicator: ongoing, messagesInQueue: st.outbox.queue.countFor(req.transactionId) > 0 };
    },
    // [E16.FR.15] a cost update from the CSMS decides when maxCost is reached, unless the transaction has a local
    // tariff ([E16.FR.16], tariff-tx.ts; the simulator has no display, so the I02 running-cost display is not
    // modelled). Unknown transactions are ignored.
    CostUpdated: (st, req) => {
      const evse = st.evses.find((e) => e.tx?.id === req.transactionId);
      if (evse) onCostUpdate(st, evse, req.totalCost);
      return {};
    },
  },
};
