{#-
    Suspect-response screening (docs/screening.md, seed screening_rules).

    screening_flags(responses): one row per response of `responses` that a rule flags,
    with the first rule that flags it (duplicate_answers, then submission_burst, then
    url_spam) and the reason in plain words (no personal data). `responses` needs
    response_key, service_id, customer_key, page, submitted_at, fiscal_year,
    fiscal_quarter, answers_signature and comment. Each rule reads only what it needs:
    a customer's own responses (duplicates), one page's responses in one fiscal quarter
    (bursts), the response itself (links) - so screening the customers and page-quarters
    a batch touched gives the flags a full screening would.

    The view int_response_screening applies it to every response (its unit tests pin
    the rules); fct_response's post-hook screen_responses() applies it to what a batch
    touched and stores the flags on the fact.
-#}
{% macro screening_flags(responses) -%}
with

screened as (

    select * from {{ responses }}

),

-- each service's rules: its own row of the seed where it has one, else the `*` row
rules as (

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

),

-- a signed-in customer sending the same answers and comment again within minutes
repeats as (

    select
        screened.response_key,
        screened.submitted_at,
        rules.window_minutes,
        lag(screened.submitted_at) over (
            partition by screened.customer_key, screened.service_id, screened.answers_signature
            order by screened.submitted_at, screened.response_key
        ) as previous_at
    from screened
    inner join rules
        on
            screened.service_id = rules.service_id
            and rules.rule = 'duplicate_answers'
            and rules.is_enabled
    where screened.customer_key is not null and screened.answers_signature is not null

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

),

-- submissions from one page per fixed window, on two grids half a window apart
page_windows as (

    select
        screened.response_key,
        screened.service_id,
        screened.page,
        screened.fiscal_year,
        screened.fiscal_quarter,
        rules.window_minutes,
        rules.min_count,
        rules.volume_ratio,
        floor({{ epoch_minutes('screened.submitted_at') }} / rules.window_minutes) as grid_a,
        floor({{ epoch_minutes('screened.submitted_at') }} / rules.window_minutes + 0.5) as grid_b
    from screened
    inner join rules
        on
            screened.service_id = rules.service_id
            and rules.rule = 'submission_burst'
            and rules.is_enabled
    where screened.page is not null

),

page_volumes as (

    select
        *,
        count(*) over (
            partition by service_id, page, fiscal_year, fiscal_quarter, grid_a
        ) as n_grid_a,
        count(*) over (
            partition by service_id, page, fiscal_year, fiscal_quarter, grid_b
        ) as n_grid_b,
        -- the page's average per window over the whole fiscal quarter
        count(*) over (partition by service_id, page, fiscal_year, fiscal_quarter)
        * window_minutes / (1440.0 * (
            {{ dbt.datediff(fiscal_quarter_start('fiscal_year', 'fiscal_quarter'),
                            fiscal_quarter_end('fiscal_year', 'fiscal_quarter'), 'day') }} + 1
        )) as mean_per_window
    from page_windows

),

bursts as (

    select
        response_key,
        'submission_burst' as suspect_rule,
        2 as rule_order,
        cast(greatest(n_grid_a, n_grid_b) as {{ dbt.type_string() }}) || ' submissions from one page within '
        || cast(window_minutes as {{ dbt.type_string() }}) || ' min, '
        || cast(cast(round(greatest(n_grid_a, n_grid_b) / mean_per_window) as bigint) as {{ dbt.type_string() }})
        || ' times its average for the quarter' as suspect_reason
    from page_volumes
    where
        (n_grid_a >= min_count and n_grid_a > volume_ratio * mean_per_window)
        or (n_grid_b >= min_count and n_grid_b > volume_ratio * mean_per_window)

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
    post-hook of fct_response: screen what the batch touched and store the flags.
    In scope (screening_scope): the batch's responses, every response of the customers
    it touched (duplicates), and of the page x fiscal quarters it touched (bursts);
    everything on a full build or when screening_rules changed since the last
    screening. Flags
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
create or replace temp table _screening_changes as
with

scope as (

    {{ screening_scope(this, rules_changed=true) }}

),

flags as (

    {{ screening_flags('scope') }}

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
drop table _screening_changes
    {%- endif %}
{%- endmacro %}

{#- Where fct_response's latest batch starts (NULL after a full build). -#}
{% macro screening_batch_since() -%}
    (select max(batch_since) from {{ incremental_batches_relation() }}
     where model = 'fct_response')
{%- endmacro %}

{#-
    The rows of `responses` (fct_response) whose flags the latest batch can have
    changed: its own responses, every response of the customers it touched (or that a
    re-delivery moved away from), and of the page x fiscal quarters it touched (or the
    service-quarters a re-delivery left). Every row after a full build, with the
    full_tests var, or (rules_changed) when screening_rules changed since the last
    screening.
-#}
{% macro screening_scope(responses, rules_changed=false) -%}
    {%- set since = screening_batch_since() %}
    {%- set everything = var('full_tests', false) or flags.FULL_REFRESH or not builds_incrementally() %}
    select scoped.*
    from {{ responses }} as scoped
    {%- if not everything %}
    where
        {{ since }} is null
        {%- if rules_changed %}
        or ({{ screening_rules_digest() }}) is distinct from (
            select max(rules_digest) from {{ bookkeeping_relation('screening_state') }}
        )
        {%- endif %}
        or scoped._loaded_at > {{ since }}
        or scoped.customer_key in (
            select batch.customer_key from {{ responses }} as batch
            where batch._loaded_at > {{ since }} and batch.customer_key is not null
            union
            select moved.customer_key from {{ replaced_responses_relation() }} as moved
            where moved.replaced_at > {{ since }} and moved.customer_key is not null
        )
        or exists (
            select 1 from {{ responses }} as batch
            where
                batch._loaded_at > {{ since }}
                and batch.page = scoped.page
                and batch.service_id = scoped.service_id
                and batch.fiscal_year = scoped.fiscal_year
                and batch.fiscal_quarter = scoped.fiscal_quarter
        )
        or exists (
            select 1 from {{ replaced_responses_relation() }} as moved
            where
                moved.replaced_at > {{ since }}
                and moved.service_id = scoped.service_id
                and moved.fiscal_year = scoped.fiscal_year
                and moved.fiscal_quarter = scoped.fiscal_quarter
        )
    {%- endif %}
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
