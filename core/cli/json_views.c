/* JSON of scores, flags and visit headers shared by the commands (json_views.h). */
#include "json_views.h"
#include "output.h"

json_t *jv_flag(const pt_flag *f)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "code", out_jstr(f->code));
    json_object_set_new(o, "severity", out_jstr(f->severity));
    json_object_set_new(o, "agency", out_jstr(f->agency));
    json_object_set_new(o, "item_id", out_jstr(f->item_id));
    json_object_set_new(o, "message", out_jstr(f->message));
    return o;
}

json_t *jv_score(const pt_score *s)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "visit_id", json_integer(s->visit_id));
    json_object_set_new(o, "total", json_real(s->total));
    json_object_set_new(o, "max", json_real(s->max));
    json_object_set_new(o, "grade", out_jstr(s->grade));
    json_object_set_new(o, "grade_label", out_jstr(s->grade_label));
    json_object_set_new(o, "valid_until", out_jstr(s->valid_until));
    json_object_set_new(o, "checklist_sha256", out_jstr(s->checklist_sha256));
    json_object_set_new(o, "script_sha256", out_jstr(s->script_sha256));
    json_object_set_new(o, "scored_at", out_jstr(s->scored_at));
    json_t *sections = json_array();
    for (size_t i = 0; sections && i < s->n_sections; i++) {
        json_t *m = json_object();
        json_object_set_new(m, "section_id", out_jstr(s->sections[i].section_id));
        json_object_set_new(m, "score", json_real(s->sections[i].score));
        json_object_set_new(m, "max", json_real(s->sections[i].max));
        json_object_set_new(m, "justification", out_jstr(s->sections[i].justification));
        json_array_append_new(sections, m);
    }
    json_object_set_new(o, "sections", sections);
    json_t *flags = json_array();
    for (size_t i = 0; flags && i < s->n_flags; i++) json_array_append_new(flags, jv_flag(&s->flags[i]));
    json_object_set_new(o, "flags", flags);
    return o;
}

json_t *jv_visit_head(const pt_visit_summary *v)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "id", json_integer(v->id));
    json_object_set_new(o, "institution_id", json_integer(v->institution_id));
    json_object_set_new(o, "institution_name", out_jstr(v->institution_name));
    json_object_set_new(o, "checklist_id", out_jstr(v->checklist_id));
    json_object_set_new(o, "checklist_version", out_jstr(v->checklist_version));
    json_object_set_new(o, "date", out_jstr(v->date));
    json_object_set_new(o, "type", out_jstr(v->type));
    return o;
}

json_t *jv_override(const pt_override *o)
{
    if (!o) return json_null();
    json_t *j = json_object();
    if (!j) return NULL;
    json_object_set_new(j, "id", json_integer(o->id));
    json_object_set_new(j, "target", out_jstr(o->target));
    json_object_set_new(j, "section_id", out_jstr(o->section_id));
    json_object_set_new(j, "computed", out_jstr(o->computed));
    json_object_set_new(j, "overridden", out_jstr(o->overridden));
    json_object_set_new(j, "rationale", out_jstr(o->rationale));
    json_object_set_new(j, "by", out_jstr(o->by));
    json_object_set_new(j, "at", out_jstr(o->at));
    return j;
}
