// A Stripe payment intent or setup intent belongs to one pledge: unique indexes, so that a webhook
// racing the charge run (or a replayed sync) can never make a second pledge of the same payment
// (Open Collective's duplicated orders, post-mortem of 2024-10-08; docs/decisions/022).
// NULLs stay allowed many times on both engines. Frozen in time: a later change is a new migration.
import { sql, type Kysely } from "kysely";

const columns = [
  { column: "payment_intent_id", index: "pledges_payment_intent_unique" },
  { column: "setup_intent_id", index: "pledges_setup_intent_unique" },
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  // Say which rows are in the way rather than fail on an engine's terse constraint message.
  for (const { column } of columns) {
    const { rows } = await sql<{ ref: string; n: number }>`
      select ${sql.ref(column)} as ref, count(*) as n from pledges
      where ${sql.ref(column)} is not null group by ${sql.ref(column)} having count(*) > 1`.execute(db);
    if (rows.length) {
      const refs = rows.map((r) => r.ref).join(", ");
      throw new Error(
        `pledges.${column} is shared by several pledges (${refs}): keep the one Stripe's metadata ` +
          `names (pledge_id) and clear the others before migrating.`,
      );
    }
  }
  await db.schema.dropIndex("pledges_payment_intent").execute();
  for (const { column, index } of columns) {
    await db.schema.createIndex(index).unique().on("pledges").column(column).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const { index } of columns) await db.schema.dropIndex(index).execute();
  await db.schema.createIndex("pledges_payment_intent").on("pledges").column("payment_intent_id").execute();
}
