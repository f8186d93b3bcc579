// An independent OCPP-J charge point: ocpp-rpc in strict mode validates every message both
// ways against the official OCPP JSON schemas. Run by scripts/interop against a live central
// system; it also calls Home Assistant actions so that the central system's commands are
// validated too.
//
//   node ocpp_rpc_client.js <ws url> <charge point id> <1.6|2.0.1>   (HA_URL, HA_TOKEN set)

"use strict";
const { RPCClient, createRPCError } = require("ocpp-rpc");

const [url, identity, version] = process.argv.slice(2);
const v201 = version === "2.0.1";
const failures = [];
const received = [];
// The charger's clock: five minutes back at the start, a minute further with each meter reading,
// so that the energy it reports was drawn at a power a charger can deliver.
let clock = Date.now() - 5 * 60 * 1000;
const now = () => new Date(clock).toISOString();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (...args) => console.log(`[${identity} ${version}]`, ...args);
const check = (ok, what) => {
  log(ok ? "ok  " : "FAIL", what);
  if (!ok) failures.push(what);
};

const entity = identity.toLowerCase().replace(/[^a-z0-9]+/g, "_");
let registerWh = 1000000;

async function homeAssistant(path, body) {
  const response = await fetch(`${process.env.HA_URL}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      Authorization: `Bearer ${process.env.HA_TOKEN}`,
      "Content-Type": "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${text}`);
  return text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : text;
}

const state = async (id) => (await homeAssistant(`/api/states/${id}`)).state;
const action = (name, data) =>
  homeAssistant(`/api/services/ocpp_csms/${name}?return_response`, data);

async function until(what, test, seconds = 20) {
  for (let i = 0; i < seconds * 4; i++) {
    try {
      if (await test()) {
        check(true, what);
        return true;
      }
    } catch {}
    await sleep(250);
  }
  check(false, what);
  return false;
}

// What the charger answers to the central system's commands.
const CONFIGURATION_16 = {
  NumberOfConnectors: "1",
  SupportedFeatureProfiles: "Core,SmartCharging,RemoteTrigger,FirmwareManagement",
  HeartbeatInterval: "300",
  MeterValueSampleInterval: "60",
  MeterValuesSampledData: "Energy.Active.Import.Register",
  ChargeProfileMaxStackLevel: "8",
  ChargingScheduleAllowedChargingRateUnit: "Current",
  ChargingScheduleMaxPeriods: "24",
};
const DEVICE_MODEL_201 = [
  [{ name: "SmartChargingCtrlr" }, "Enabled", "true"],
  [{ name: "SmartChargingCtrlr" }, "ProfileStackLevel", "8"],
  [{ name: "SmartChargingCtrlr" }, "RateUnit", "A"],
  [{ name: "SmartChargingCtrlr" }, "PeriodsPerSchedule", "24"],
  [{ name: "OCPPCommCtrlr" }, "HeartbeatInterval", "300"],
  [{ name: "SampledDataCtrlr" }, "TxUpdatedInterval", "60"],
  [{ name: "SampledDataCtrlr" }, "TxUpdatedMeasurands", "Energy.Active.Import.Register"],
  [{ name: "EVSE", evse: { id: 1 } }, "Available", "true"],
];

function answer16(method, params) {
  switch (method) {
    case "GetConfiguration": {
      const keys = params.key ?? Object.keys(CONFIGURATION_16);
      return {
        configurationKey: keys
          .filter((key) => key in CONFIGURATION_16)
          .map((key) => ({ key, readonly: false, value: CONFIGURATION_16[key] })),
        unknownKey: keys.filter((key) => !(key in CONFIGURATION_16)),
      };
    }
    case "ChangeConfiguration":
      CONFIGURATION_16[params.key] = params.value;
      return { status: "Accepted" };
    case "RemoteStopTransaction":
      setTimeout(() => stopSession("Remote"), 100);
      return { status: "Accepted" };
    default:
      return answerEither(method, params);
  }
}

// Answers that are the same in 1.6 and 2.0.1.
function answerEither(method, params) {
  switch (method) {
    case "TriggerMessage":
      if (params.requestedMessage === "Heartbeat") setTimeout(() => cli.call("Heartbeat", {}), 100);
      return { status: "Accepted" };
    case "GetCompositeSchedule":
      return { status: "Rejected" };
    case "SetChargingProfile":
    case "ClearChargingProfile":
    case "ChangeAvailability":
    case "ClearCache":
    case "Reset":
      return { status: "Accepted" };
    default:
      throw createRPCError("NotImplemented");
  }
}

function answer201(method, params, cli) {
  switch (method) {
    case "GetBaseReport":
      setTimeout(() => notifyReport(cli, params.requestId), 100);
      return { status: "Accepted" };
    case "GetVariables":
      return {
        getVariableResult: params.getVariableData.map(({ component, variable }) => {
          const known = DEVICE_MODEL_201.find(
            ([c, v]) => c.name === component.name && v === variable.name,
          );
          return known
            ? { attributeStatus: "Accepted", component, variable, attributeValue: known[2] }
            : { attributeStatus: "UnknownVariable", component, variable };
        }),
      };
    case "SetVariables":
      return {
        setVariableResult: params.setVariableData.map(({ component, variable }) => ({
          attributeStatus: "Accepted",
          component,
          variable,
        })),
      };
    case "RequestStopTransaction":
      setTimeout(() => stopSession("Remote"), 100);
      return { status: "Accepted" };
    default:
      return answerEither(method, params);
  }
}

async function notifyReport(cli, requestId) {
  await cli.call("NotifyReport", {
    requestId,
    generatedAt: now(),
    seqNo: 0,
    tbc: false,
    reportData: DEVICE_MODEL_201.map(([component, variable, value]) => ({
      component,
      variable: { name: variable },
      variableAttribute: [{ type: "Actual", value }],
    })),
  });
}

const cli = new RPCClient({
  endpoint: url,
  identity,
  protocols: [v201 ? "ocpp2.0.1" : "ocpp1.6"],
  strictMode: true,
  reconnect: false,
});
cli.on("strictValidationFailure", (event) => {
  const who = event.outbound ? "this client" : "the central system";
  failures.push(`${who} sent an invalid ${event.method}: ${event.error.message}`);
  log("FAIL schema:", who, event.method, event.error.message);
});
cli.handle(({ method, params }) => {
  received.push(method);
  return v201 ? answer201(method, params, cli) : answer16(method, params);
});

let transactionId = null;
let seqNo = 0;
let stopped = null;

function readings(watts) {
  clock += 60 * 1000;
  registerWh += watts / 60; // a minute at this power
  const sampled = [
    ["Energy.Active.Import.Register", "Wh", Math.round(registerWh)],
    ["Power.Active.Import", "W", watts],
    ["Current.Import", "A", +(watts / 3 / 230).toFixed(1), "L1"],
    ["Voltage", "V", 230.4, "L1-N"],
    ["SoC", "Percent", 41],
  ];
  return [
    {
      timestamp: now(),
      sampledValue: sampled.map(([measurand, unit, value, phase]) => ({
        measurand,
        ...(v201 ? { value, unitOfMeasure: { unit } } : { value: String(value), unit }),
        context: "Sample.Periodic",
        ...(phase ? { phase } : {}),
        ...(measurand === "SoC" ? { location: "EV" } : {}),
      })),
    },
  ];
}

async function status(connector, value) {
  if (v201) {
    await cli.call("StatusNotification", {
      timestamp: now(),
      connectorStatus: value,
      evseId: connector,
      connectorId: 1,
    });
  } else {
    await cli.call("StatusNotification", {
      connectorId: connector,
      errorCode: "NoError",
      status: value,
      timestamp: now(),
    });
  }
}

async function transactionEvent(eventType, triggerReason, extra = {}) {
  return cli.call("TransactionEvent", {
    eventType,
    timestamp: now(),
    triggerReason,
    seqNo: seqNo++,
    transactionInfo: { transactionId, ...(extra.info ?? {}) },
    ...(extra.fields ?? {}),
  });
}

async function startSession(tag) {
  if (v201) {
    const auth = await cli.call("Authorize", { idToken: { idToken: tag, type: "ISO14443" } });
    check(auth.idTokenInfo.status === "Accepted", `Authorize: ${auth.idTokenInfo.status}`);
    await status(1, "Occupied");
    transactionId = `TX-${Date.now()}`;
    await transactionEvent("Started", "Authorized", {
      info: { chargingState: "Charging" },
      fields: {
        evse: { id: 1, connectorId: 1 },
        idToken: { idToken: tag, type: "ISO14443" },
        meterValue: readings(0),
      },
    });
  } else {
    const auth = await cli.call("Authorize", { idTag: tag });
    check(auth.idTagInfo.status === "Accepted", `Authorize: ${auth.idTagInfo.status}`);
    await status(1, "Preparing");
    const start = await cli.call("StartTransaction", {
      connectorId: 1,
      idTag: tag,
      meterStart: Math.round(registerWh),
      timestamp: now(),
    });
    check(start.idTagInfo.status === "Accepted", `StartTransaction: ${start.idTagInfo.status}`);
    transactionId = start.transactionId;
    await status(1, "Charging");
  }
}

async function meter(watts) {
  if (v201) {
    await transactionEvent("Updated", "MeterValuePeriodic", {
      fields: { meterValue: readings(watts) },
    });
  } else {
    await cli.call("MeterValues", { connectorId: 1, transactionId, meterValue: readings(watts) });
  }
}

async function stopSession(reason) {
  if (transactionId === null) return;
  const id = transactionId;
  if (v201) {
    await transactionEvent("Ended", reason === "Remote" ? "RemoteStop" : "EVDeparted", {
      info: { stoppedReason: reason },
    });
  } else {
    await cli.call("StopTransaction", {
      transactionId: id,
      meterStop: Math.round(registerWh),
      timestamp: now(),
      reason,
    });
  }
  transactionId = null;
  await status(1, v201 ? "Available" : "Finishing");
  stopped = reason;
}

async function main() {
  await cli.connect();
  const boot = v201
    ? await cli.call("BootNotification", {
        chargingStation: { model: "Interop", vendorName: "ocpp-rpc" },
        reason: "PowerUp",
      })
    : await cli.call("BootNotification", {
        chargePointVendor: "ocpp-rpc",
        chargePointModel: "Interop",
      });
  check(boot.status === "Accepted", `BootNotification: ${boot.status}`);
  if (!v201) await status(0, "Available");
  await status(1, "Available");
  await cli.call("Heartbeat", {});

  const device = await until("the charger's device in Home Assistant", async () =>
    (await homeAssistant("/api/template", { template: `{{ device_id('sensor.${entity}_status') }}` }))
      .trim()
      .match(/^[0-9a-f]{32}$/),
  );
  const deviceId = (
    await homeAssistant("/api/template", { template: `{{ device_id('sensor.${entity}_status') }}` })
  ).trim();
  if (!device) return;
  await until("the configuration read after boot", async () =>
    received.includes(v201 ? "GetBaseReport" : "GetConfiguration"),
  );

  await startSession("RPC-TAG");
  for (const watts of [7000, 7400, 7360]) await meter(watts);
  await until("Status: charging", async () => (await state(`sensor.${entity}_status`)) === "charging");
  await until("Session energy above 0", async () =>
    Number(await state(`sensor.${entity}_session_energy`)) > 0,
  );

  await action("set_charging_profile", { device_id: deviceId, limit: 10, unit: "A" });
  check(received.includes("SetChargingProfile"), "set_charging_profile → SetChargingProfile");
  await action("trigger_message", { device_id: deviceId, requested_message: "Heartbeat" });
  check(received.includes("TriggerMessage"), "trigger_message → TriggerMessage");
  await action("remote_stop", { device_id: deviceId });
  await until("the session stopped from Home Assistant", async () => stopped === "Remote");
  await until("Status after the session", async () =>
    ["finishing", "available"].includes(await state(`sensor.${entity}_status`)),
  );
  check(
    Math.abs(Number(await state(`sensor.${entity}_session_energy`)) - 0.363) < 0.002,
    `Session energy ${await state(`sensor.${entity}_session_energy`)} kWh (0.363 sent)`,
  );
  await cli.close();
}

main()
  .catch((err) => failures.push(`${err.name}: ${err.message}`))
  .finally(() => {
    log(failures.length ? `${failures.length} failure(s)` : "all checks passed");
    for (const failure of failures) log("  -", failure);
    log("commands received:", [...new Set(received)].join(", "));
    process.exit(failures.length ? 1 : 0);
  });
