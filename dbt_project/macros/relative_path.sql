{#- Provenance that travels with the warehouse: a path (or file:// URL) under the warehouse
    root or the project root becomes relative to that root, so a warehouse copied to another
    machine still resolves it (raw copies against the warehouse folder, bundled sources against
    the project). Web URLs and paths elsewhere are kept as published. -#}
{% macro relative_path(column) -%}
    {%- set roots = [] -%}
    {%- for root in [env_var('DRUGTRADE_WAREHOUSE', ''), env_var('DRUGTRADE_PROJECT_ROOT', '')] -%}
        {%- if root and root.startswith('/') -%}{%- do roots.append(root.rstrip('/') ~ '/') -%}{%- endif -%}
    {%- endfor -%}
    {%- if roots -%}
    case
        {%- for root in roots %}
        when starts_with({{ column }}, 'file://{{ root }}') then substr({{ column }}, {{ ('file://' ~ root) | length + 1 }})
        when starts_with({{ column }}, '{{ root }}') then substr({{ column }}, {{ root | length + 1 }})
        {%- endfor %}
        else {{ column }}
    end
    {%- else -%}
    {{ column }}
    {%- endif -%}
{%- endmacro %}
