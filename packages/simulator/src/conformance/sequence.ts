// The message sequence a scripted CSMS (the OCTT's role in Part 6) saw from the station, compact:
// TransactionEvent(Started,CablePluggedIn), StatusNotification(1/1:Occupied), BootNotification(RemoteReset).
import type { ScriptedCsms } from '../testing/scripted-csms.ts';

export function sequence(csms: ScriptedCsms): string[] {
  // The security events of every (re)start (A04.FR.01: StartupOfTheDevice, ResetOrReboot) are left out: they
  // follow each BootNotification; the test cases that ask for them (TC_G_19_CS step 6) look at them directly.
  return csms.received.filter(({ action, payload: p }) => !(action === 'SecurityEventNotification' && BOOT_EVENTS.has(p.type))).map(({ action, payload: p }) => {
    switch (action) {
      case 'TransactionEvent': return `TransactionEvent(${p.eventType},${p.triggerReason}${p.transactionInfo?.stoppedReason ? `,${p.transactionInfo.stoppedReason}` : ''})`;
      case 'StatusNotification': return `StatusNotification(${p.evseId}/${p.connectorId}:${p.connectorStatus})`;
      case 'BootNotification': return `BootNotification(${p.reason})`;
      case 'Authorize': return `Authorize(${p.idToken.idToken})`;
      default: return action;
    }
  });
}

const BOOT_EVENTS = new Set(['StartupOfTheDevice', 'ResetOrReboot']);

/** Variables that keep the sequences free of periodic traffic unless a test case asks for it. */
export const QUIET = { 'AlignedDataCtrlr.Interval': '0', 'SampledDataCtrlr.TxUpdatedInterval': '0', 'OCPPCommCtrlr.HeartbeatInterval': '86400' };
