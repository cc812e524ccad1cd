// The request payloads the rpc benchmark sends and the responses every server answers with. All are
// valid OCPP 2.1 and 2.0.1 payloads (the smoke test checks them against both schema sets).

/**
 * ocpp-rpc 2.2.1's strict mode cannot validate OCPP 2.1: its 2.1 schemas are named `urn:HeartbeatRequest`,
 * its validator looks up `urn:Heartbeat.req`, and every 2.1 CALL is answered with a ProtocolError. So it speaks
 * OCPP 2.0.1, whose four payloads used here are the same as 2.1's (the smoke test checks them against both).
 */
export const rpcProtocol = 'ocpp2.0.1';

export type FrameName = 'heartbeat' | 'boot' | 'meter' | 'report4k';

export interface FrameSpec {
  action: 'Heartbeat' | 'BootNotification' | 'MeterValues' | 'NotifyReport';
  request: Record<string, unknown>;
  /** Builds the response, the same way in the OCPP handler and in the raw echo server. */
  response(): Record<string, unknown>;
}

const now = (): string => new Date().toISOString();

function meterValues(): Record<string, unknown> {
  const sv = (measurand: string, value: number, unit: string, phase?: string): Record<string, unknown> => ({
    value, measurand, ...(phase ? { phase } : {}), context: 'Sample.Periodic', location: 'Outlet', unitOfMeasure: { unit },
  });
  return {
    evseId: 1,
    meterValue: [{
      timestamp: '2025-01-01T12:00:00.000Z',
      sampledValue: [
        sv('Energy.Active.Import.Register', 123456.7, 'Wh'),
        sv('Power.Active.Import', 11040, 'W'),
        sv('Current.Import', 16.02, 'A', 'L1'),
        sv('Current.Import', 15.98, 'A', 'L2'),
        sv('Current.Import', 16.01, 'A', 'L3'),
        sv('Voltage', 229.8, 'V', 'L1-N'),
        sv('SoC', 54, 'Percent'),
      ],
    }],
  };
}

/** A NotifyReport of about 4 KB of JSON (a page of a GetBaseReport FullInventory). */
function report4k(): Record<string, unknown> {
  const reportData: unknown[] = [];
  const req = { requestId: 42, generatedAt: '2025-01-01T12:00:00.000Z', seqNo: 0, tbc: true, reportData };
  for (let i = 0; JSON.stringify(req).length < 4096; i++) {
    reportData.push({
      component: { name: i % 3 ? 'EVSE' : 'Connector', evse: { id: 1 + (i % 4), connectorId: 1 } },
      variable: { name: i % 2 ? 'AvailabilityState' : 'Power', instance: `inst${i}` },
      variableAttribute: [{ type: 'Actual', value: i % 2 ? 'Available' : String(11000 + i), mutability: 'ReadOnly', persistent: false, constant: false }],
      variableCharacteristics: { dataType: i % 2 ? 'OptionList' : 'decimal', supportsMonitoring: true, ...(i % 2 ? { valuesList: 'Available,Occupied,Reserved,Unavailable,Faulted' } : { unit: 'W' }) },
    });
  }
  return req;
}

export const frames: Record<FrameName, FrameSpec> = {
  heartbeat: { action: 'Heartbeat', request: {}, response: () => ({ currentTime: now() }) },
  boot: {
    action: 'BootNotification',
    request: {
      reason: 'PowerUp',
      chargingStation: {
        model: 'CW-Bench-22kW', vendorName: 'Chargewire', serialNumber: 'CW-000000001', firmwareVersion: '1.4.2-bench',
        modem: { iccid: '8931440400012345678', imsi: '204043123456789' },
      },
    },
    response: () => ({ currentTime: now(), interval: 300, status: 'Accepted' }),
  },
  meter: { action: 'MeterValues', request: meterValues(), response: () => ({}) },
  report4k: { action: 'NotifyReport', request: report4k(), response: () => ({}) },
};

export const frameNames = Object.keys(frames) as FrameName[];

export const responseOf: Record<string, () => Record<string, unknown>> = Object.fromEntries(
  Object.values(frames).map((f) => [f.action, f.response]),
);
