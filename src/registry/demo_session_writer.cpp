// The clinical records of a synthetic course: performed sessions with their biologic, one injection per
// planned site, adverse events, and the imaging of the treated knee.
#include "core/time.hpp"
#include "registry/demo_treatment_writer.hpp"

namespace kneeregen {

namespace {

constexpr const char* kCriteria[] = {
    "serious_death",      "serious_life_threatening",   "serious_hospitalisation",
    "serious_disability", "serious_congenital_anomaly", "serious_important_medical_event"};
constexpr const char* kAfterCare =
    "Weight-bear as tolerated; no NSAIDs for 2 weeks; physiotherapy from week 2 (synthetic)";

std::string DateText(Days date) { return FormatDate(std::chrono::year_month_day{date}); }

// Empty text and zero numbers are fields not recorded.
Json Text(std::string_view text) { return text.empty() ? Json() : Json(text); }
Json Number(double value) { return value == 0 ? Json() : Json(value); }

}  // namespace

void DemoTreatmentWriter::InsertSessions(const DemoTreatment& t, int64_t course_id, int64_t patient_id,
                                         int64_t knee_id) {
  const ProtocolPlan& plan = t.final_plan;
  const bool millilitres = plan.dose_unit == DoseUnit::kMillilitres;
  session_["course_id"] = course_id;
  session_["patient_id"] = patient_id;
  session_["knee_id"] = knee_id;
  session_["product"] = plan.product;
  session_["post_procedure_instructions"] = kAfterCare;
  injection_["course_id"] = course_id;
  injection_["patient_id"] = patient_id;
  injection_["dose_unit"] = DoseUnitCode(plan.dose_unit);
  session_ids_.clear();
  for (const DemoSession& s : t.sessions) {
    const DemoBiologic& b = s.biologic;
    session_["session_number"] = s.number;
    session_["performed_on"] = DateText(s.date);
    session_["practitioner_id"] = clinic_.practitioner_ids[static_cast<size_t>(s.practitioner)];
    session_["donor_type"] = b.allogeneic ? "allogeneic" : "autologous";
    session_["donor_id"] = Text(b.donor_id);
    session_["source_bank"] = Text(b.source_bank);
    session_["harvest_tissue"] = b.harvested ? "iliac_crest_marrow" : "none";
    session_["harvest_site"] = Text(b.harvest_site);
    session_["harvest_side"] = Text(b.harvest_side);
    session_["harvest_volume_ml"] = Number(b.harvest_volume_ml);
    session_["harvest_technique"] = Text(b.harvest_technique);
    session_["harvest_anaesthesia"] = Text(b.harvest_anaesthesia);
    session_["anticoagulant"] = Text(b.anticoagulant);
    session_["processing_device"] = Text(b.processing_device);
    session_["processing_kit_lot"] = Text(b.processing_kit_lot);
    session_["processing_method"] = Text(b.processing_method);
    session_["culture_expanded"] = b.culture_expanded;
    session_["passages"] = b.culture_expanded ? Json(b.passages) : Json();
    session_["preservation"] = Text(b.preservation);
    session_["additives"] = Text(b.additives);
    session_["product_lot"] = b.product_lot;
    session_["total_nucleated_cells"] = Number(b.total_nucleated_cells);
    session_["cfu_f_per_ml"] = Number(b.cfu_f_per_ml);
    session_["viability_percent"] = Number(b.viability_percent);
    session_["platelets_per_ul"] = Number(b.platelets_per_ul);
    session_["wbc_per_ul"] = Number(b.wbc_per_ul);
    session_["rbc_per_ul"] = Number(b.rbc_per_ul);
    session_["flow_markers"] = Text(b.flow_markers);
    session_["sterility"] = Text(b.sterility);
    session_["co_injectates"] = Text(b.co_injectates);
    session_["notes"] = Text(b.notes);
    const int64_t session_id = tx_.InsertRecord(sessions_schema_, clinic_id_, session_, true);
    session_ids_.push_back(session_id);
    ++counts_.treatment_sessions;

    injection_["session_id"] = session_id;
    injection_["product_lot"] = b.product_lot;
    for (const SiteInjection& site : plan.sessions[static_cast<size_t>(s.number - 1)].sites) {
      const bool joint = site.site == "intra_articular";
      injection_["site"] = site.site;
      injection_["volume_ml"] = static_cast<double>(site.volume_ul) / 1000.0;
      injection_["dose"] =
          millilitres ? static_cast<double>(site.dose) / 1000.0 : static_cast<double>(site.dose);
      injection_["guidance"] = joint ? s.joint_guidance : "ultrasound";
      tx_.InsertRecord(injections_schema_, clinic_id_, injection_, true);
      ++counts_.injections;
    }
  }
}

void DemoTreatmentWriter::InsertAdverseEvents(const DemoTreatment& t, int64_t course_id, int64_t patient_id) {
  adverse_event_["course_id"] = course_id;
  adverse_event_["patient_id"] = patient_id;
  for (const DemoAdverseEvent& e : t.adverse_events) {
    adverse_event_["session_id"] =
        e.session < 0 ? Json() : Json(session_ids_[static_cast<size_t>(e.session)]);
    adverse_event_["site"] = Text(e.site);
    adverse_event_["term"] = e.term;
    adverse_event_["term_other"] = Text(e.term_other);
    adverse_event_["onset_date"] = DateText(e.onset);
    adverse_event_["ctcae_grade"] = e.ctcae_grade;
    for (const char* criterion : kCriteria) adverse_event_[criterion] = false;
    adverse_event_["serious_hospitalisation"] = e.hospitalised;
    adverse_event_["causality"] = e.causality;
    adverse_event_["action_taken"] = e.action_taken;
    adverse_event_["outcome"] = e.outcome;
    adverse_event_["resolution_date"] = e.resolved ? Json(DateText(*e.resolved)) : Json();
    adverse_event_["description"] = Text(e.description);
    adverse_event_["serious"] = e.hospitalised || e.ctcae_grade >= 4;  // what the schema's prepare computes
    tx_.InsertRecord(adverse_events_schema_, clinic_id_, adverse_event_, true);
    ++counts_.adverse_events;
  }
}

void DemoTreatmentWriter::InsertImaging(const DemoImaging& imaging, int64_t patient_id, int64_t knee_id) {
  study_["knee_id"] = knee_id;
  study_["patient_id"] = patient_id;
  study_["modality"] = "radiograph";
  study_["study_date"] = DateText(imaging.radiograph_date);
  study_["field_strength_tesla"] = nullptr;
  study_["sequences"] = nullptr;
  study_["reader"] = practitioners_[static_cast<size_t>(imaging.radiograph_reader)].full_name;
  study_["kl_grade"] = imaging.radiograph_kl;
  study_["mocart_version"] = nullptr;  // MOCART grades repair tissue, not the diffuse OA treated here
  study_["mocart_score"] = nullptr;
  study_["notes"] = nullptr;
  tx_.InsertRecord(studies_schema_, clinic_id_, study_, true);
  ++counts_.imaging_studies;

  measurement_["knee_id"] = knee_id;
  measurement_["patient_id"] = patient_id;
  worms_["knee_id"] = knee_id;
  worms_["patient_id"] = patient_id;
  for (const DemoMri& mri : imaging.mris) {
    study_["modality"] = "mri";
    study_["study_date"] = DateText(mri.date);
    study_["field_strength_tesla"] = mri.field_strength_tesla;
    study_["sequences"] = mri.sequences;
    study_["reader"] = practitioners_[static_cast<size_t>(mri.reader)].full_name;
    study_["kl_grade"] = nullptr;
    const int64_t study_id = tx_.InsertRecord(studies_schema_, clinic_id_, study_, true);
    ++counts_.imaging_studies;
    measurement_["study_id"] = study_id;
    for (const auto& m : mri.measurements) {
      measurement_["region"] = m.region;
      measurement_["thickness_mm"] = m.thickness_mm;
      measurement_["volume_mm3"] = m.volume_mm3;
      measurement_["segmentation_method"] = m.segmentation_method;
      tx_.InsertRecord(measurements_schema_, clinic_id_, measurement_, true);
      ++counts_.cartilage_measurements;
    }
    worms_["study_id"] = study_id;
    for (const auto& w : mri.worms) {
      worms_["subregion"] = w.subregion;
      worms_["cartilage_grade"] = w.cartilage_grade;
      worms_["bone_marrow_lesion"] = w.bone_marrow_lesion;
      tx_.InsertRecord(worms_schema_, clinic_id_, worms_, true);
      ++counts_.worms_grades;
    }
  }
}

}  // namespace kneeregen
