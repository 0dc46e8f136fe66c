{#-
    Suspect-response screening (docs/screening.md, seed screening_rules).

    screening_flags(responses, population): one row per response of `responses` that a
    rule flags, with the first rule that flags it (duplicate_answers, then
    submission_burst, then url_spam) and the reason in plain words (no personal data).
    `responses` needs response_key, service_id, customer_key, page, submitted_at,
    fiscal_year, fiscal_quarter, answers_signature and comment. Each rule reads only
    what it needs: a customer's own responses (duplicates), the counts of one page's
    windows and fiscal quarter (bursts), the response itself (links). With
    `population` (every response, `responses` being some of them) those are read from
    the population, so screening a few responses gives the flags a full screening
    would give them; without it, `responses` is all there is.

    The view int_response_screening applies it to every response (its unit tests pin
    the rules); fct_response's post-hook screen_responses() applies it to what a batch
    can have changed (screening_scope) and stores the flags on the fact.
-#}
{% macro screening_flags(responses, population=none) -%}
{%- set scoped = population is not none %}
{#- the population is read where it is needed, not through a CTE: DuckDB would
    materialise a CTE read twice (every column of every response) -#}
{%- set everyone = population if scoped else 'screened' %}
with

screened as (

    select
        response_key,
        service_id,
        customer_key,
        page,
        submitted_at,
        fiscal_year,
        fiscal_quarter,
        answers_signature,
        comment
    from {{ responses }}

),

rules as (

    {{ screening_rule_settings() }}

),

-- a signed-in customer sending the same answers and comment again within minutes
repeats as (

    select
        everyone.response_key,
        everyone.submitted_at,
        rules.window_minutes,
        lag(everyone.submitted_at) over (
            partition by everyone.customer_key, everyone.service_id, everyone.answers_signature
            order by everyone.submitted_at, everyone.response_key
        ) as previous_at
    from {{ everyone }} as everyone
    inner join rules
        on
            everyone.service_id = rules.service_id
            and rules.rule = 'duplicate_answers'
            and rules.is_enabled
    where
        everyone.customer_key is not null
        and everyone.answers_signature is not null
        {%- if scoped %}
        and everyone.customer_key in (
            select screened.customer_key from screened where screened.customer_key is not null
        )
        {%- endif %}

),

duplicates as (

    select
        response_key,
        'duplicate_answers' as suspect_rule,
        1 as rule_order,
        'identical answers and comment from the same customer '
        || cast({{ minutes_between('previous_at', 'submitted_at') }} as {{ dbt.type_string() }})
        || ' min after an earlier response (window '
        || cast(window_minutes as {{ dbt.type_string() }}) || ' min)' as suspect_reason
    from repeats
    where
        previous_at is not null
        and {{ minutes_between('previous_at', 'submitted_at') }} <= window_minutes
        {%- if scoped %}
        and response_key in (select screened.response_key from screened)
        {%- endif %}

),

-- submissions from one page per fixed window, on two grids half a window apart: every
-- response with a page (of the page-quarters screened), as its page-quarter's columns
-- and its window's number on each grid, with its service's thresholds.
page_windows as (

    {{ burst_windows(everyone, 'everyone') }}
        {%- if scoped %}
        and exists (
            select 1 from screened
            where {{ same_page_quarter('screened', 'everyone') }}
        )
        {%- endif %}

),

-- the page's average per window over the whole fiscal quarter
page_quarters as (

    select
        {{ page_quarter_key('page_windows') }} as page_quarter,
        count(*) * max(window_minutes) / (1440.0 * (
            {{ dbt.datediff(fiscal_quarter_start('min(fiscal_year)', 'min(fiscal_quarter)'),
                            fiscal_quarter_end('min(fiscal_year)', 'min(fiscal_quarter)'), 'day') }}
            + 1
        )) as mean_per_window
    from page_windows
    group by service_id, page, fiscal_year, fiscal_quarter

),

-- the responses being screened, with their windows
candidates as (

    {{ burst_windows('screened', 'screened', with_key=true) }}

),

{%- for grid in ['a', 'b'] %}

    -- the bursts of grid {{ grid }}: its windows counted (GROUP BY, not a window function: no
    -- sort), kept where the count reaches the service's minimum and the page-quarter's
    -- average times its ratio, which a handful of windows do. Only then are the
    -- responses looked up, in those windows alone, on the window's columns (equal on
    -- all of them: one window a response). Counting every window and joining every
    -- response to its counts by text keys took 22 s of the 10M full build's
    -- screening, 11 s this way. (The page-quarter is joined by a text key: on its
    -- columns, without statistics, the optimiser joined the two grids' counts to each
    -- other, a product of every window of a page-quarter with every other.)
    burst_windows_{{ grid }} as (

        select
            counts.service_id,
            counts.page,
            counts.fiscal_year,
            counts.fiscal_quarter,
            counts.grid_window,
            counts.n_window,
            page_quarters.mean_per_window
        from (
            select
                service_id,
                page,
                fiscal_year,
                fiscal_quarter,
                grid_{{ grid }}_window as grid_window,
                count(*) as n_window,
                max(volume_ratio) as volume_ratio,
                {{ page_quarter_key('page_windows') }} as page_quarter
            from page_windows
            {%- if scoped %}
            where exists (
                select 1 from candidates
                where
                    {{ same_page_quarter('candidates', 'page_windows') }}
                    and candidates.grid_{{ grid }}_window = page_windows.grid_{{ grid }}_window
            )
            {%- endif %}
            group by service_id, page, fiscal_year, fiscal_quarter, grid_{{ grid }}_window
            having count(*) >= max(min_count)
        ) as counts
        inner join page_quarters on counts.page_quarter = page_quarters.page_quarter
        where counts.n_window > counts.volume_ratio * page_quarters.mean_per_window

    ),

    in_burst_{{ grid }} as (

        select
            candidates.response_key,
            candidates.window_minutes,
            bursts.n_window,
            bursts.mean_per_window
        from candidates
        inner join burst_windows_{{ grid }} as bursts
            on
                {{ same_page_quarter('candidates', 'bursts') }}
                and candidates.grid_{{ grid }}_window = bursts.grid_window

    ),

{%- endfor %}

-- a response in a burst on either grid, with the larger count (a window of the other
-- grid with more submissions would be a burst too: same minimum, same average)
bursts as (

    select
        coalesce(in_a.response_key, in_b.response_key) as response_key,
        'submission_burst' as suspect_rule,
        2 as rule_order,
        cast(greatest(coalesce(in_a.n_window, 0), coalesce(in_b.n_window, 0)) as {{ dbt.type_string() }})
        || ' submissions from one page within '
        || cast(coalesce(in_a.window_minutes, in_b.window_minutes) as {{ dbt.type_string() }}) || ' min, '
        || cast(cast(round(
            greatest(coalesce(in_a.n_window, 0), coalesce(in_b.n_window, 0))
            / coalesce(in_a.mean_per_window, in_b.mean_per_window)
        ) as bigint) as {{ dbt.type_string() }})
        || ' times its average for the quarter' as suspect_reason
    from in_burst_a as in_a
    full outer join in_burst_b as in_b on in_a.response_key = in_b.response_key

),

-- a comment that is mostly links
links as (

    select
        screened.response_key,
        rules.min_count,
        {{ count_links('screened.comment') }} as n_links
    from screened
    inner join rules
        on
            screened.service_id = rules.service_id
            and rules.rule = 'url_spam'
            and rules.is_enabled
    where screened.comment is not null

),

link_spam as (

    select
        response_key,
        'url_spam' as suspect_rule,
        3 as rule_order,
        'comment with ' || cast(n_links as {{ dbt.type_string() }}) || ' web links' as suspect_reason
    from links
    where n_links >= min_count

),

flagged as (

    select * from duplicates
    union all
    select * from bursts
    union all
    select * from link_spam

),

ranked as (

    select
        *,
        row_number() over (partition by response_key order by rule_order) as rn
    from flagged

)

select
    response_key,
    suspect_rule,
    suspect_reason
from ranked
where rn = 1
{%- endmacro %}

{#- The burst rule's two windows of each response of `relation` that has a page, with
    its service's settings (CTE rules): (with_key) its key, its page-quarter's columns,
    the rule's window and thresholds, and its window's number on each grid (grid b
    starts half a window after grid a). -#}
{% macro burst_windows(relation, alias, with_key=false) -%}
    select
        {%- if with_key %}
        {{ alias }}.response_key,
        {%- endif %}
        {{ alias }}.service_id,
        {{ alias }}.page,
        {{ alias }}.fiscal_year,
        {{ alias }}.fiscal_quarter,
        rules.window_minutes,
        rules.min_count,
        rules.volume_ratio,
        {{ burst_window_numbers(alias) }}
    from {{ relation }} as {{ alias }}
    inner join rules
        on
            {{ alias }}.service_id = rules.service_id
            and rules.rule = 'submission_burst'
            and rules.is_enabled
    where {{ alias }}.page is not null
{%- endmacro %}

{#- The number of a response's window on grid a and b, as columns grid_a_window and
    grid_b_window; needs the CTE rules joined. -#}
{% macro burst_window_numbers(alias) -%}
    {%- set windows = epoch_minutes(alias ~ '.submitted_at') ~ ' / rules.window_minutes' -%}
    cast(floor({{ windows }}) as bigint) as grid_a_window,
    cast(floor({{ windows }} + 0.5) as bigint) as grid_b_window
{%- endmacro %}

{#- Two relations' rows are of the same page and fiscal quarter (as columns). -#}
{% macro same_page_quarter(left, right) -%}
    {{ left }}.service_id = {{ right }}.service_id
    and {{ left }}.page = {{ right }}.page
    and {{ left }}.fiscal_year = {{ right }}.fiscal_year
    and {{ left }}.fiscal_quarter = {{ right }}.fiscal_quarter
{%- endmacro %}

{#- One text key for a response's service, page and fiscal quarter. -#}
{% macro page_quarter_key(alias) -%}
    concat_ws('|', {{ alias }}.service_id, {{ alias }}.page,
        cast({{ alias }}.fiscal_year as {{ dbt.type_string() }}),
        cast({{ alias }}.fiscal_quarter as {{ dbt.type_string() }}))
{%- endmacro %}

{#- Each service's screening rules: its own row of the seed where it has one, else the
    `*` row. -#}
{% macro screening_rule_settings() -%}
    select
        services.service_id,
        defaults.rule,
        coalesce(own.is_enabled, defaults.is_enabled) as is_enabled,
        coalesce(own.window_minutes, defaults.window_minutes) as window_minutes,
        coalesce(own.min_count, defaults.min_count) as min_count,
        coalesce(own.volume_ratio, defaults.volume_ratio) as volume_ratio
    from {{ ref('services') }} as services
    cross join {{ ref('screening_rules') }} as defaults
    left join {{ ref('screening_rules') }} as own
        on defaults.rule = own.rule and services.service_id = own.service_id
    where defaults.service_id = '*'
{%- endmacro %}

{#- Whole minutes from `earlier` to `later` (timestamps with time zone). -#}
{% macro minutes_between(earlier, later) -%}
    {{ return(adapter.dispatch('minutes_between', 'cx_warehouse')(earlier, later)) }}
{%- endmacro %}

{% macro default__minutes_between(earlier, later) -%}
    cast(floor((epoch({{ later }}) - epoch({{ earlier }})) / 60) as bigint)
{%- endmacro %}

{#- to the microsecond, as DuckDB's epoch(): whole seconds would move a difference of
    59.9 s across a minute -#}
{% macro spark__minutes_between(earlier, later) -%}
    cast(floor((unix_micros({{ later }}) - unix_micros({{ earlier }})) / 60e6) as bigint)
{%- endmacro %}

{#- Minutes since 1970-01-01 UTC (a double), for fixed time windows. -#}
{% macro epoch_minutes(ts) -%}
    {{ return(adapter.dispatch('epoch_minutes', 'cx_warehouse')(ts)) }}
{%- endmacro %}

{% macro default__epoch_minutes(ts) -%}
    (epoch({{ ts }}) / 60.0)
{%- endmacro %}

{% macro spark__epoch_minutes(ts) -%}
    (unix_micros({{ ts }}) / 60e6)
{%- endmacro %}

{#- How many web links (http://, https://, www.) a text carries. -#}
{% macro count_links(text) -%}
    {{ return(adapter.dispatch('count_links', 'cx_warehouse')(text)) }}
{%- endmacro %}

{% macro default__count_links(text) -%}
    len(regexp_extract_all(lower({{ text }}), 'https?://|www\.'))
{%- endmacro %}

{% macro spark__count_links(text) -%}
    size(regexp_extract_all(lower({{ text }}), '(https?://|www\\.)', 0))
{%- endmacro %}

{#-
    post-hook of fct_response: screen what the batch can have changed and store the
    flags. In scope (screening_scope): the batch's responses, every response of the
    customers it touched (duplicates), of the page windows it added to and the flagged
    ones of its page x fiscal quarters (bursts); everything on a full build or when
    screening_rules changed since the last screening. Their flags are computed from
    every response (the counts of a window, the customer's earlier responses). Flags
    that change on responses of earlier batches are recorded in screening_changes, so
    the journey and relationship marts rebuild those cases and customers (as for a
    re-delivery); the quarterly score cells read the flags directly.
-#}
{% macro screening_changes_relation() -%}
    {{ bookkeeping_relation('screening_changes') }}
{%- endmacro %}

{% macro screen_responses() -%}
    {%- if builds_incrementally() %}
{%- set state = bookkeeping_relation('screening_state') %}
{%- set since = screening_batch_since() %}
{{ create_bookkeeping_schema() }};
create table if not exists {{ state }} (
    rules_digest varchar, screened_at timestamptz, batch_since timestamptz
);
alter table {{ state }} add column if not exists batch_since timestamptz;
create table if not exists {{ screening_changes_relation() }} (
    response_key varchar, case_id varchar, customer_key varchar, service_id varchar,
    fiscal_year integer, fiscal_quarter integer, changed_at timestamptz
);
{%- set everything = screening_covers_everything(rules_changed=true) %}
{%- if not everything %}
-- the scope once (the flags read it several times)
create or replace temp table _screening_scope as
{{ screening_scope(this, everything=false) }};
{%- endif %}
create or replace temp table _screening_changes as
with

-- everything on a full build or after a change of the rules: the flags of every
-- response, computed over them alone
scope as (

    select {{ screening_columns() }}
    from {{ this if everything else '_screening_scope' }}

),

flags as (

    {{ screening_flags('scope', population=none if everything else this) }}

)

select
    scope.response_key,
    scope.case_id,
    scope.customer_key,
    scope.service_id,
    scope.fiscal_year,
    scope.fiscal_quarter,
    scope._loaded_at <= coalesce({{ since }}, cast('-infinity' as timestamptz)) as is_earlier,
    scope.is_suspect as was_suspect,
    flags.response_key is not null as is_suspect,
    flags.suspect_rule,
    flags.suspect_reason
from scope
left join flags on scope.response_key = flags.response_key
where
    scope.is_suspect != (flags.response_key is not null)
    or scope.suspect_rule is distinct from flags.suspect_rule
    or scope.suspect_reason is distinct from flags.suspect_reason;
insert into {{ screening_changes_relation() }}
select response_key, case_id, customer_key, service_id, fiscal_year, fiscal_quarter, now()
from _screening_changes
where is_earlier and was_suspect != is_suspect;
update {{ this }} as responses
set
    is_suspect = changes.is_suspect,
    suspect_rule = changes.suspect_rule,
    suspect_reason = changes.suspect_reason
from _screening_changes as changes
where responses.response_key = changes.response_key;
delete from {{ state }};
insert into {{ state }} select ({{ screening_rules_digest() }}), now(), {{ since }};
drop table _screening_changes;
drop table if exists _screening_scope
    {%- endif %}
{%- endmacro %}

{#- What a screening reads and compares of fct_response (`alias`.column, or bare). -#}
{% macro screening_columns(alias=none) -%}
    {%- set columns = [
        'response_key', 'case_id', 'customer_key', 'service_id', 'page', 'submitted_at',
        'fiscal_year', 'fiscal_quarter', 'answers_signature', 'comment', 'is_suspect',
        'suspect_rule', 'suspect_reason', '_loaded_at',
    ] -%}
    {%- for column in columns %}{{ alias ~ '.' if alias else '' }}{{ column }}{{ ', ' if not loop.last }}{% endfor -%}
{%- endmacro %}

{#- Where fct_response's latest batch starts (NULL after a full build). -#}
{% macro screening_batch_since() -%}
    (select max(batch_since) from {{ incremental_batches_relation() }}
     where model = 'fct_response')
{%- endmacro %}

{#-
    The rows of `responses` (fct_response) whose flags the latest batch can have
    changed (their flags are then computed from every response: screening_flags'
    population):
    - its own responses, and every response of the customers it touched or that a
      re-delivery moved away from (duplicates);
    - every response in a page window it added to, on either grid (that window's count
      went up), and the flagged responses of the page x fiscal quarters it added to
      (their average per window went up, so a flag there can only go);
    - every response of the service x fiscal quarters a re-delivery left (counts went
      down: anything there can change).
    Every row when screening_covers_everything() (`everything`: its answer, where the
    caller already asked).
-#}
{% macro screening_scope(responses, everything=none) -%}
    {%- set since = screening_batch_since() %}
    {%- set everything = screening_covers_everything() if everything is none else everything %}
    {%- if everything %}
    select {{ screening_columns() }} from {{ responses }}
    {%- else %}
    -- rows by DuckDB's rowid (this branch runs only where models build incrementally):
    -- the final filter is a semi-join on an integer, half the time of one on the key
    with

    batch as (

        select rowid as row_id, customer_key
        from {{ responses }}
        where _loaded_at > {{ since }}

    ),

    moved as (

        select * from {{ replaced_responses_relation() }} where replaced_at > {{ since }}

    ),

    burst_rules as (

        select settings.service_id, settings.window_minutes
        from ({{ screening_rule_settings() }}) as settings
        where settings.rule = 'submission_burst' and settings.is_enabled

    ),

    windowed as (

        select
            responses.rowid as row_id,
            responses.service_id,
            responses.page,
            responses.fiscal_year,
            responses.fiscal_quarter,
            responses.is_suspect,
            responses._loaded_at,
            {{ burst_window_numbers('responses') }}
        from {{ responses }} as responses
        inner join burst_rules as rules on responses.service_id = rules.service_id
        where responses.page is not null

    ),

    touched as (

        select * from windowed where _loaded_at > {{ since }}

    ),

    in_scope as (

        select batch.row_id from batch
        union
        select customers.rowid from {{ responses }} as customers
        where customers.customer_key in (
            select batch.customer_key from batch where batch.customer_key is not null
            union
            select moved.customer_key from moved where moved.customer_key is not null
        )
        {%- for grid in ['grid_a_window', 'grid_b_window'] %}
        union
        select windowed.row_id from windowed
        inner join (
            select distinct service_id, page, fiscal_year, fiscal_quarter, {{ grid }}
            from touched
        ) as windows
            on
                {{ same_page_quarter('windowed', 'windows') }}
                and windowed.{{ grid }} = windows.{{ grid }}
        {%- endfor %}
        union
        select windowed.row_id from windowed
        where
            windowed.is_suspect
            and exists (
                select 1 from touched
                where {{ same_page_quarter('touched', 'windowed') }}
            )
        union
        select left_behind.rowid from {{ responses }} as left_behind
        where exists (
            select 1 from moved
            where
                moved.service_id = left_behind.service_id
                and moved.fiscal_year = left_behind.fiscal_year
                and moved.fiscal_quarter = left_behind.fiscal_quarter
        )

    )

    select {{ screening_columns('scoped') }}
    from {{ responses }} as scoped
    where scoped.rowid in (select in_scope.row_id from in_scope)
    {%- endif %}
{%- endmacro %}

{#-
    Whether a screening must cover every response: no batch recorded before this build
    (a first build), the full_tests var, a full refresh, a target that rebuilds every
    time, or (rules_changed) a screening_rules seed that changed since the last
    screening. Asked when the hook runs, so that a full screening takes the plain path
    (a scope of everything through the batch path cost 53 s and ran out of memory at
    1M).
-#}
{% macro screening_covers_everything(rules_changed=false) -%}
    {%- if not execute or var('full_tests', false) or flags.FULL_REFRESH
        or not builds_incrementally() -%}
        {{ return(true) }}
    {%- endif -%}
    {%- if run_query("select (" ~ screening_batch_since() ~ ") is null").columns[0].values()[0] -%}
        {{ return(true) }}
    {%- endif -%}
    {%- if rules_changed -%}
        {%- set state = adapter.get_relation(
            database=marts_database(), schema='intermediate', identifier='screening_state'
        ) -%}
        {%- if state is none -%}
            {{ return(true) }}
        {%- endif -%}
        {%- set changed = run_query(
            "select (" ~ screening_rules_digest() ~ ") is distinct from "
            ~ "(select max(rules_digest) from " ~ state ~ ")"
        ) -%}
        {{ return(changed.columns[0].values()[0]) }}
    {%- endif -%}
    {{ return(false) }}
{%- endmacro %}

{#- One value that changes whenever a rule or threshold of the seed does. -#}
{% macro screening_rules_digest() -%}
    select md5(string_agg(
        concat_ws('|', rule, service_id, is_enabled, window_minutes, min_count, volume_ratio),
        ';' order by rule, service_id
    ))
    from {{ ref('screening_rules') }}
{%- endmacro %}

{#- A hash of a set of values: equal for the same values in any order (one per row). -#}
{% macro unordered_hash_agg(expr) -%}
    {{ return(adapter.dispatch('unordered_hash_agg', 'cx_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__unordered_hash_agg(expr) -%}
    bit_xor(hash({{ expr }}))
{%- endmacro %}

{% macro spark__unordered_hash_agg(expr) -%}
    bit_xor(xxhash64({{ expr }}))
{%- endmacro %}
