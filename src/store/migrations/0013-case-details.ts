/**
 * Cases an agent opens from the call in hand (FEATURES G2, issue 7): a subject and a description,
 * where the case came from (the channel, the routing interaction, the user who opened it), and a
 * priority. The IVR's cases keep `ivr` and their `draft` status; the types become one checked
 * vocabulary (G1) shared by the IVR and the desk.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table cases
      add column subject text not null default '',
      add column description text not null default '',
      add column channel text not null default 'ivr'
        check (channel in ('ivr', 'voice', 'chat', 'email', 'sms', 'fax', 'web', 'manual')),
      add column priority text not null default 'normal' check (priority in ('normal', 'urgent')),
      add column interaction_id uuid references interactions (id) on delete set null,
      add column opened_by uuid references users (id) on delete set null`.execute(db);
  // Types written before the vocabulary was checked (a flow's free text) become complaints, which
  // is what the IVR's recordings opened.
  await sql`
    update cases set type = 'complaint'
    where type not in ('complaint', 'tip_off', 'consultation', 'suggestion', 'service_order', 'fault_report')`.execute(db);
  await sql`
    alter table cases
      add constraint cases_type_check
        check (type in ('complaint', 'tip_off', 'consultation', 'suggestion', 'service_order', 'fault_report')),
      add constraint cases_status_check check (status in ('draft', 'open', 'closed'))`.execute(db);
  await sql`create index cases_interaction on cases (tenant_id, interaction_id) where interaction_id is not null`.execute(db);
  await sql`create index cases_customer on cases (tenant_id, customer_id, created_at desc) where customer_id is not null`.execute(db);
  await sql`create index cases_call on cases (tenant_id, sip_call_id) where sip_call_id is not null`.execute(db);
}
