{#-
    What the incremental facts held for the records a batch replaces.

    A re-delivered response comes back from raw with a new _loaded_at; fct_response and
    fct_transaction_feedback delete its earlier rows (delete+insert). Marts that are kept
    up to date from the facts by key (journeys by case, relationships by customer) or
    by adding counts (the answer counts behind the quarterly scores) must also undo the
    earlier version: its old case, customer, service-quarter, and answers. The facts'
    pre-hooks append those here before they replace anything; a mart reads the rows
    replaced after its own cursor. Append-only: a mart that failed a run still finds
    them on the next.
-#}
{% macro replaced_responses_relation() -%}
    {{ bookkeeping_relation('replaced_responses') }}
{%- endmacro %}

{% macro replaced_answer_values_relation() -%}
    {{ bookkeeping_relation('replaced_answer_values') }}
{%- endmacro %}

{#- The responses of this build's batch (a subquery): key and new load time. -#}
{% macro batch_responses() -%}
    (select response_key, _loaded_at from {{ ref('int_responses_unioned') }}
     {{ incremental_cursor_filter() }})
{%- endmacro %}

{#- pre-hook of fct_response: the case, customer and service-quarter of each response
    the batch replaces. -#}
{% macro record_replaced_responses() -%}
    {%- if builds_incrementally() %}
    {{ create_bookkeeping_schema() }};
    create table if not exists {{ replaced_responses_relation() }} (
        response_key varchar, case_id varchar, customer_key varchar, service_id varchar,
        fiscal_year integer, fiscal_quarter integer, replaced_at timestamptz
    );
    {%- if is_incremental() %}
    insert into {{ replaced_responses_relation() }}
    select
        old.response_key, old.case_id, old.customer_key, old.service_id,
        old.fiscal_year, old.fiscal_quarter, new._loaded_at
    from {{ this }} as old
    inner join {{ batch_responses() }} as new
        on old.response_key = new.response_key and old._loaded_at < new._loaded_at
    {%- endif %}
    {%- endif %}
{%- endmacro %}

{#- pre-hook of fct_transaction_feedback: the answers of each response the batch
    replaces, counted per cell of the quarterly scores and answer value (the grain of
    int_answers_aggregated). -#}
{% macro record_replaced_answer_values() -%}
    {%- if builds_incrementally() %}
    {{ create_bookkeeping_schema() }};
    create table if not exists {{ replaced_answer_values_relation() }} (
        service_id varchar, agency_code varchar, fiscal_year integer, fiscal_quarter integer,
        channel varchar, driver varchar, scale varchar, answer_value integer, n bigint,
        n_positive bigint, n_likert bigint, likert_sum bigint, replaced_at timestamptz
    );
    {%- if is_incremental() %}
    insert into {{ replaced_answer_values_relation() }}
    select
        old.service_id, old.agency_code, old.fiscal_year, old.fiscal_quarter, old.channel,
        old.driver, old.scale, old.answer_value, {{ answer_cell_counts('old') }},
        new._loaded_at
    from {{ this }} as old
    inner join {{ batch_responses() }} as new
        on old.response_key = new.response_key and old._loaded_at < new._loaded_at
    group by
        old.service_id, old.agency_code, old.fiscal_year, old.fiscal_quarter, old.channel,
        old.driver, old.scale, old.answer_value, new._loaded_at
    {%- endif %}
    {%- endif %}
{%- endmacro %}

{#- The counts of one score cell over answers `a` of fct_transaction_feedback. -#}
{% macro answer_cell_counts(a) -%}
    cast(count(*) as bigint) as n,
    cast(sum(case when {{ a }}.is_positive then 1 else 0 end) as bigint) as n_positive,
    cast(sum(case when {{ a }}.scale = 'likert5' then 1 else 0 end) as bigint) as n_likert,
    cast(sum(case when {{ a }}.scale = 'likert5' then {{ a }}.answer_value else 0 end) as bigint)
        as likert_sum
{%- endmacro %}

{% macro replaced_key_driver_pairs_relation() -%}
    {{ bookkeeping_relation('replaced_key_driver_pairs') }}
{%- endmacro %}

{#- pre-hook of fct_transaction_feedback: the driver x trust pairs of each response the
    batch replaces, counted per cell of the key drivers (int_key_driver_pairs). -#}
{% macro record_replaced_key_driver_pairs() -%}
    {%- if builds_incrementally() %}
    {{ create_bookkeeping_schema() }};
    create table if not exists {{ replaced_key_driver_pairs_relation() }} (
        service_id varchar, fiscal_year integer, fiscal_quarter integer, channel varchar,
        driver varchar, n bigint, n1 bigint, n0 bigint, t1 bigint, t0 bigint, tp bigint,
        replaced_at timestamptz
    );
    {%- if is_incremental() %}
    insert into {{ replaced_key_driver_pairs_relation() }}
        (service_id, fiscal_year, fiscal_quarter, channel, driver, replaced_at,
         n, n1, n0, t1, t0, tp)
    with old as (
        select old.*, new._loaded_at as replaced_at
        from {{ this }} as old
        inner join {{ batch_responses() }} as new
            on old.response_key = new.response_key and old._loaded_at < new._loaded_at
    )
    {{ key_driver_pair_counts('old', also_by='replaced_at') }}
    {%- endif %}
    {%- endif %}
{%- endmacro %}

{#-
    The 2x2 counts behind the key drivers (agg_key_drivers), per service x fiscal
    quarter x channel x driver (`also_by`: one more column of `answers` to group by),
    over answers `a` of fct_transaction_feedback: every answer to a driver other than
    trust of a response whose trust answer is positive or not (a pair), with n1 / n0
    the driver-positive / driver-not-positive pairs (an answer that is neither counts
    in n only), t1 / t0 those whose trust answer is positive, tp every trust-positive
    pair. A response's answers share its load, so the pairs of a batch come from the
    batch's answers alone.
-#}
{% macro key_driver_pair_counts(answers, also_by=none) -%}
    select
        answers.service_id,
        answers.fiscal_year,
        answers.fiscal_quarter,
        answers.channel,
        answers.driver,
        {%- if also_by %}
        answers.{{ also_by }},
        {%- endif %}
        cast(count(*) as bigint) as n,
        cast(sum(case when answers.is_positive then 1 else 0 end) as bigint) as n1,
        cast(sum(case when not answers.is_positive then 1 else 0 end) as bigint) as n0,
        cast(sum(case when answers.is_positive and trust.is_positive then 1 else 0 end) as bigint)
            as t1,
        cast(sum(case when not answers.is_positive and trust.is_positive then 1 else 0 end) as bigint)
            as t0,
        cast(sum(case when trust.is_positive then 1 else 0 end) as bigint) as tp
    from {{ answers }} as answers
    inner join {{ answers }} as trust
        on answers.response_key = trust.response_key
    where
        answers.driver != 'trust'
        and trust.driver = 'trust'
        and trust.is_positive is not null
    group by
        answers.service_id,
        answers.fiscal_year,
        answers.fiscal_quarter,
        answers.channel,
        answers.driver
        {%- if also_by %},
        answers.{{ also_by }}
        {%- endif %}
{%- endmacro %}
