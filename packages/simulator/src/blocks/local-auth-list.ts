// D — Local Authorization List Management, station side: SendLocalList (D01), GetLocalListVersion (D02).
import { RpcError } from '@chargewire/ocpp';
import type { Block } from '../block.ts';

export const block: Block = {
  id: 'D',
  name: 'Local Authorization List Management',
  handlers: {
    SendLocalList: (st, req) => {
      // [D01.FR.11] a single SendLocalList is limited by LocalAuthListCtrlr.ItemsPerMessage / BytesPerMessage:
      // a larger one is refused with a CALLERROR, as B06.FR.16 / B06.FR.17 do for GetVariables.
      const maxItems = st.num('LocalAuthListCtrlr', 'ItemsPerMessage', Number.POSITIVE_INFINITY);
      const maxBytes = st.num('LocalAuthListCtrlr', 'BytesPerMessage', Number.POSITIVE_INFINITY);
      if (Buffer.byteLength(JSON.stringify(req)) > maxBytes) throw new RpcError('FormatViolation', `more than LocalAuthListCtrlr.BytesPerMessage = ${maxBytes} bytes`);
      if ((req.localAuthorizationList?.length ?? 0) > maxItems) throw new RpcError('OccurrenceConstraintViolation', `more than LocalAuthListCtrlr.ItemsPerMessage = ${maxItems} entries`);
      // [D01.FR.01] the list takes req.versionNumber; [D01.FR.02] the response tells whether the update was applied.
      const status = st.auth.applyList(req, maxEntries(st));
      if (status === 'Accepted') {
        // [D01.FR.12] LocalAuthListCtrlr.Entries tracks the number of entries.
        try { st.dm.setInternal({ name: 'LocalAuthListCtrlr' }, { name: 'Entries' }, String(st.auth.listSize)); } catch { /* not modelled */ }
      }
      return { status };
    },
    // [D02.FR.01] [D02.FR.02] version of the installed list; 0 when none is installed;
    // [D02.FR.03] 0 as well while LocalAuthListCtrlr.Enabled is not true.
    GetLocalListVersion: (st) => ({ versionNumber: st.bool('LocalAuthListCtrlr', 'Enabled', false) ? st.auth.listVersion : 0 }),
  },
};

function maxEntries(st: Parameters<NonNullable<Block['handlers']['SendLocalList']>>[0]): number {
  return st.dm.report('FullInventory').find((r) => r.component.name === 'LocalAuthListCtrlr' && r.variable.name === 'Entries')?.variableCharacteristics?.maxLimit ?? 1000;
}
