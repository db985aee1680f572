import type { Knex } from "knex";

/**
 * The consortium benchmark (issue 23): what each member pays and is charged, per provider and
 * service, computed INSIDE the database by SECURITY DEFINER functions that return only
 * aggregated, already-suppressed rows. They run with the rights of the migration's owner, so
 * they keep working when the application runs as a non-superuser role under row-level security
 * (keyed on app.authority_id), while the analyst's session itself can read no member's rows.
 * search_path is pinned so a caller's objects cannot stand in for ours.
 * consortium_guard refuses an app.authority_id that is not a member; with none set (the command
 * line's `report consortium`) it lets the call through, since only aggregated, suppressed
 * figures come out. To restrict further, revoke EXECUTE from PUBLIC and grant it to the app's
 * role (the authorities branch names that role).
 *
 * Rules (README "Consortium benchmarking"; samples/consortium/EXPECTED.md works them by hand):
 * - A group is (provider, item, service level, unit); kind is the provider's kind. Placement fees
 *   are weekly (unit 'week'); an extra is per its own unit.
 * - Paid, per placement placed in the period: the agreed weekly fee (AUDIT.md W(P, d)) on d = the
 *   period's last night or the placement's last night if earlier; for an extra, its package
 *   rate in force on d, else the contract's rate card. Charged: the unit rate of the placement's
 *   latest invoice line of that item in the period (night or day rates × 7 for placement fees).
 * - A member's figure is the median of its placements' values; of an even count, the mean of
 *   the middle two; rounded half up to the penny.
 * - A member with fewer than 5 placements in a group is suppressed and its placements are left
 *   out of every figure of that group (consortium median, spread, drift): nothing shown can be
 *   differenced to recover a hidden group.
 * - Consortium median: the median of the shown members' placements (pooled), as above. Spread:
 *   the lowest and highest shown member median.
 * - Framework rate: the consortium's framework rate card for the provider, item and level, in
 *   force on the period's last day; uplift: the framework contract's annual_uplift_pct.
 */
const GUARD = `
create function consortium_guard(p_consortium integer) returns void
  language plpgsql stable security definer set search_path = public, pg_temp as $$
declare
  acting text := current_setting('app.authority_id', true);
begin
  -- Under row-level security the app says whom it acts for: only a member may read the benchmark.
  if acting is not null and acting <> '' and not exists (
    select 1 from consortium_members where consortium_id = p_consortium and authority_id = acting::integer
  ) then
    raise exception 'authority % is not a member of consortium %', acting, p_consortium using errcode = '42501';
  end if;
end $$`;

/** Per placement of the members: group, measure and value, in [p_from, p_to]. Shared by both functions. */
const VALUES_SQL = `
  members as (
    select m.authority_id from consortium_members m where m.consortium_id = p_consortium
  ),
  placed as (
    select p.authority_id, p.placement_id, p.child_ref, p.provider_id, p.contract_id, coalesce(p.service_level, '') as service_level,
           p.weekly_fee, p.start_date, p.end_date,
           least(p_to, coalesce(p.end_date - 1, p_to)) as d
    from placements p
    where p.authority_id in (select authority_id from members)
      and p.start_date <= p_to and (p.end_date is null or p.end_date > p_from)
  ),
  card as (
    -- Rate cards a placement's contract uses: its own authority's, or this consortium's framework.
    select r.authority_id, r.contract_id, r.item, r.service_level, r.unit, r.rate, r.effective_from, r.effective_to
    from rates r where r.authority_id in (select authority_id from members)
    union all
    select mm.authority_id, fr.contract_id, fr.item, fr.service_level, fr.unit, fr.rate, fr.effective_from, fr.effective_to
    from framework_rates fr cross join members mm
    where fr.consortium_id = p_consortium
      and not exists (select 1 from contracts c where c.authority_id = mm.authority_id and c.contract_id = fr.contract_id)
  ),
  paid_fee as (
    select pl.authority_id, pl.placement_id, pl.provider_id, 'placement'::text as item, pl.service_level, 'week'::text as unit,
      coalesce(
        (select f.weekly_fee from placement_fees f
          where f.authority_id = pl.authority_id and f.placement_id = pl.placement_id and f.effective_from <= pl.d
          order by f.effective_from desc limit 1),
        pl.weekly_fee,
        (select case when k.effective_to is null or k.effective_to >= pl.d then k.rate end from card k
          where k.authority_id = pl.authority_id and k.contract_id = pl.contract_id and k.item = 'placement'
            and k.service_level = pl.service_level and k.effective_from <= pl.d
          order by k.effective_from desc limit 1)
      ) as value
    from placed pl
  ),
  paid_extra as (
    select pl.authority_id, pl.placement_id, pl.provider_id, pk.item, ''::text as service_level, pk.unit,
      coalesce(pk.rate,
        (select case when k.effective_to is null or k.effective_to >= pl.d then k.rate end from card k
          where k.authority_id = pl.authority_id and k.contract_id = pl.contract_id and k.item = pk.item
            and k.effective_from <= pl.d
          order by k.effective_from desc, k.service_level limit 1)) as value
    from placed pl
    join lateral (
      select distinct on (x.item) x.item, x.unit, x.rate, x.effective_to from packages x
      where x.authority_id = pl.authority_id and x.placement_id = pl.placement_id and x.effective_from <= pl.d
      order by x.item, x.effective_from desc
    ) pk on pk.effective_to is null or pk.effective_to >= pl.d
  ),
  charged_line as (
    select pl.authority_id, pl.placement_id, pl.provider_id, l.item,
           case when l.item = 'placement' then pl.service_level else '' end as service_level,
           case when l.item = 'placement' then 'week' else l.unit end as unit,
           case when l.item <> 'placement' then l.unit_rate
                when l.unit = 'week' then l.unit_rate
                when l.unit in ('night', 'day') then l.unit_rate * 7 end as value,
           row_number() over (partition by pl.authority_id, pl.placement_id, l.item
                              order by coalesce(l.from_date, i.period_from) desc, i.invoice_date desc, l.id desc) as latest
    from invoices i
    join invoice_lines l on l.invoice_id = i.id
    join placed pl on pl.authority_id = i.authority_id and pl.provider_id = i.provider_id
      and (l.placement_ref = pl.placement_id or l.placement_ref = pl.po_number or l.child_ref = pl.child_ref)
      and pl.start_date <= coalesce(l.from_date, i.period_from)
      and (pl.end_date is null or pl.end_date > coalesce(l.from_date, i.period_from))
    where i.authority_id in (select authority_id from members)
      and i.kind = 'invoice' and i.status <> 'to_verify'
      and l.item not in ('discount', 'unknown') and l.unit_rate is not null
      and coalesce(l.from_date, i.period_from) between p_from and p_to
  ),
  per_placement as (
    select authority_id, provider_id, item, service_level, unit, 'paid'::text as measure, value from paid_fee where value is not null
    union all
    select authority_id, provider_id, item, service_level, unit, 'paid', value from paid_extra where value is not null
    union all
    select authority_id, provider_id, item, service_level, unit, 'charged', value from charged_line where latest = 1 and value is not null
  )`;

// placed.po_number is needed by the line match.
const VALUES = VALUES_SQL.replace("p.weekly_fee, p.start_date, p.end_date,", "p.weekly_fee, p.start_date, p.end_date, p.po_number,");

/** The median of `value` per partition, half up to the penny: (n+1)/2-th and (n+2)/2-th values averaged. */
const MEDIAN_PARTS = (partition: string): string => `
  row_number() over (partition by ${partition} order by value) as rn,
  count(*) over (partition by ${partition}) as n`;

const BENCHMARK = `
create function consortium_price_benchmark(p_consortium integer, p_from date, p_to date)
returns table (
  provider_id text, provider_name text, provider_kind text, item text, service_level text, unit text, measure text,
  member_id integer, member_name text, placements integer, suppressed boolean,
  median numeric, low numeric, high numeric, framework_rate numeric, annual_uplift_pct numeric
)
language plpgsql stable security definer set search_path = public, pg_temp as $$
#variable_conflict use_column
begin
  perform consortium_guard(p_consortium);
  return query
  with ${VALUES},
  ranked as (
    select v.*, ${MEDIAN_PARTS("v.authority_id, v.provider_id, v.item, v.service_level, v.unit, v.measure")} from per_placement v
  ),
  member_figure as (
    select r.authority_id, r.provider_id, r.item, r.service_level, r.unit, r.measure, max(r.n)::integer as n,
           round(avg(r.value) filter (where r.rn in ((r.n + 1) / 2, (r.n + 2) / 2)), 2) as median
    from ranked r group by 1, 2, 3, 4, 5, 6
  ),
  shown as (
    select * from member_figure where n >= 5
  ),
  pooled as (
    select v.provider_id, v.item, v.service_level, v.unit, v.measure, v.value,
           ${MEDIAN_PARTS("v.provider_id, v.item, v.service_level, v.unit, v.measure")}
    from per_placement v
    join shown s using (authority_id, provider_id, item, service_level, unit, measure)
  ),
  consortium_figure as (
    select g.provider_id, g.item, g.service_level, g.unit, g.measure, max(g.n)::integer as n,
           round(avg(g.value) filter (where g.rn in ((g.n + 1) / 2, (g.n + 2) / 2)), 2) as median
    from pooled g group by 1, 2, 3, 4, 5
  ),
  spread as (
    select s.provider_id, s.item, s.service_level, s.unit, s.measure, min(s.median) as low, max(s.median) as high
    from shown s group by 1, 2, 3, 4, 5
  ),
  groups as (
    select distinct f.provider_id, f.item, f.service_level, f.unit, f.measure from member_figure f
  ),
  framework as (
    select gg.provider_id, gg.item, gg.service_level, gg.unit,
      (select case when r.effective_to is null or r.effective_to >= p_to then r.rate end
         from framework_rates r join framework_contracts c on c.consortium_id = r.consortium_id and c.contract_id = r.contract_id
        where r.consortium_id = p_consortium and c.provider_id = gg.provider_id and r.item = gg.item
          and r.service_level = gg.service_level and r.effective_from <= p_to
        order by r.effective_from desc, r.contract_id limit 1) as rate,
      (select c.annual_uplift_pct from framework_contracts c
        where c.consortium_id = p_consortium and c.provider_id = gg.provider_id
        order by c.start_date desc, c.contract_id limit 1) as uplift
    from (select distinct provider_id, item, service_level, unit from groups) gg
  ),
  kinds as (
    select pr.provider_id, min(pr.name) as name, min(pr.kind) as kind from providers pr
    where pr.authority_id in (select authority_id from members) group by pr.provider_id
  )
  select f.provider_id, k.name, k.kind, f.item, f.service_level, f.unit, f.measure,
         f.authority_id, a.name, case when f.n >= 5 then f.n end, f.n < 5,
         case when f.n >= 5 then f.median end, null::numeric, null::numeric, null::numeric, null::numeric
  from member_figure f join authorities a on a.id = f.authority_id left join kinds k on k.provider_id = f.provider_id
  union all
  select g.provider_id, k.name, k.kind, g.item, g.service_level, g.unit, g.measure,
         null::integer, null::text, c.n, c.n is null,
         c.median, s.low, s.high, fw.rate, fw.uplift
  from groups g
  left join consortium_figure c using (provider_id, item, service_level, unit, measure)
  left join spread s using (provider_id, item, service_level, unit, measure)
  left join framework fw using (provider_id, item, service_level, unit)
  left join kinds k on k.provider_id = g.provider_id;
end $$`;

const DRIFT = `
create function consortium_price_drift(p_consortium integer, p_from date, p_to date)
returns table (provider_id text, item text, service_level text, unit text, quarter_start date, placements integer, suppressed boolean, median numeric)
language plpgsql stable security definer set search_path = public, pg_temp as $$
#variable_conflict use_column
declare
  q date := date_trunc('quarter', p_from)::date;
begin
  perform consortium_guard(p_consortium);
  while q <= p_to loop
    -- Each quarter by the benchmark's own rules, so a quarter's figure here is the benchmark's.
    return query
      select b.provider_id, b.item, b.service_level, b.unit, q, b.placements, b.suppressed, b.median
      from consortium_price_benchmark(p_consortium, q, (q + interval '3 months' - interval '1 day')::date) b
      where b.member_id is null and b.measure = 'charged';
    q := (q + interval '3 months')::date;
  end loop;
end $$`;

const LATEST = `
create function consortium_latest_charge(p_consortium integer) returns date
language plpgsql stable security definer set search_path = public, pg_temp as $$
begin
  perform consortium_guard(p_consortium);
  -- Only a date: the end of the members' latest billed period, to choose the benchmark's default quarter.
  return (select max(coalesce(l.from_date, i.period_from)) from invoices i join invoice_lines l on l.invoice_id = i.id
          where i.authority_id in (select authority_id from consortium_members where consortium_id = p_consortium)
            and i.kind = 'invoice');
end $$`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(GUARD);
  await knex.raw(BENCHMARK);
  await knex.raw(DRIFT);
  await knex.raw(LATEST);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("drop function consortium_latest_charge(integer)");
  await knex.raw("drop function consortium_price_drift(integer, date, date)");
  await knex.raw("drop function consortium_price_benchmark(integer, date, date)");
  await knex.raw("drop function consortium_guard(integer)");
}
