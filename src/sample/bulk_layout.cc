#include "sample/bulk_layout.h"

#include <algorithm>
#include <map>

namespace imagemesh::sample {
namespace {

// The first cycle covers every template; the most distinct submission forms come first so that a
// tiny sample (a handful of papers, for fast tests) still has each of them.
const std::vector<Template> kFirstCycle = {
    Template::kInputChain,      Template::kSubcaption, Template::kTestCard,
    Template::kLegacyEps,       Template::kSingleTikz, Template::kPdfOnly,
    Template::kOtherArchive,    Template::kSubfloat,   Template::kMacros,
    Template::kCommentedOut,    Template::kAastex,     Template::kWrapAndLoose,
    Template::kSingleNoFigures, Template::kLatin1,     Template::kColourModes,
};

// Repeats: ordinary papers dominate, as on the arXiv; no second test card.
const std::vector<Template> kRepeatCycle = {
    Template::kOtherArchive, Template::kInputChain,      Template::kSubcaption,
    Template::kSubfloat,     Template::kMacros,          Template::kWrapAndLoose,
    Template::kLegacyEps,    Template::kAastex,          Template::kCommentedOut,
    Template::kSingleTikz,   Template::kLatin1,          Template::kColourModes,
    Template::kPdfOnly,      Template::kSingleNoFigures, Template::kInputChain,
    Template::kSubcaption,   Template::kSubfloat,        Template::kMacros,
};

const std::vector<std::string> kNewStyleMonths = {"1412", "1905", "2004", "2312"};

const std::vector<std::string> kOtherSlugs = {"lensing-draft", "spectral-clustering-notes",
                                              "thesis-chapter3", "workshop-poster"};

const Topic* topic_with_archive(const std::string& archive) {
  for (const auto& topic : topics()) {
    if (topic.old_archive == archive) return &topic;
  }
  return &topics()[0];
}

const Topic* topic_for(Template kind, Random& random) {
  switch (kind) {
    case Template::kLegacyEps:
      return topic_with_archive("hep-ph");
    case Template::kAastex:
      return topic_with_archive("astro-ph");
    case Template::kLatin1:
      return topic_with_archive("cond-mat");
    case Template::kColourModes:
    case Template::kTestCard:
      return topic_with_archive("cs");
    default:
      return &random.pick(topics());
  }
}

bool is_old_style(Template kind) {
  return kind == Template::kLegacyEps || kind == Template::kAastex || kind == Template::kLatin1;
}

SubmissionKind submission_of(Template kind) {
  switch (kind) {
    case Template::kSingleTikz:
    case Template::kSingleNoFigures:
      return SubmissionKind::kSingleGz;
    case Template::kPdfOnly:
      return SubmissionKind::kPdfOnly;
    case Template::kOtherArchive:
      return SubmissionKind::kOtherTarGz;
    default:
      return SubmissionKind::kTarGz;
  }
}

std::string padded(int number, int digits) {
  std::string text = std::to_string(number);
  return std::string(static_cast<size_t>(std::max(0, digits - static_cast<int>(text.size()))),
                     '0') +
         text;
}

// Old-style months going back from 0703, 999 papers each (the numbers are 3 digits).
std::string old_style_month(int months_back) {
  int year = 2007, month = 3 - months_back;
  while (month <= 0) {
    month += 12;
    year -= 1;
  }
  return padded(year % 100, 2) + padded(month, 2);
}

}  // namespace

std::vector<PaperSlot> plan_papers(int papers, uint64_t seed) {
  std::vector<PaperSlot> plan;
  std::map<std::string, int> new_style_counters;
  int old_style_count = 0, new_style_count = 0, other_count = 0;
  for (int i = 0; i < papers; ++i) {
    PaperSlot slot;
    slot.index = i;
    slot.first_cycle = i < static_cast<int>(kFirstCycle.size());
    slot.kind =
        slot.first_cycle
            ? kFirstCycle[static_cast<size_t>(i)]
            : kRepeatCycle[(static_cast<size_t>(i) - kFirstCycle.size()) % kRepeatCycle.size()];
    slot.submission = submission_of(slot.kind);
    slot.seed = stream_seed(seed, static_cast<uint64_t>(i));
    Random topic_random(stream_seed(seed ^ 0xA5A5A5A5ull, static_cast<uint64_t>(i)));
    slot.topic = topic_for(slot.kind, topic_random);
    if (slot.submission == SubmissionKind::kOtherTarGz) {
      slot.stem = other_count < static_cast<int>(kOtherSlugs.size())
                      ? kOtherSlugs[static_cast<size_t>(other_count)]
                      : "draft-" + padded(other_count + 1, 4);
      slot.id = "local:" + slot.stem;
      ++other_count;
    } else if (is_old_style(slot.kind)) {
      slot.yymm = old_style_month(old_style_count / 999);
      std::string number = slot.yymm + padded(old_style_count % 999 + 1, 3);
      slot.id = slot.topic->old_archive + "/" + number;
      slot.stem = slot.topic->old_archive + number;
      ++old_style_count;
    } else {
      slot.yymm = kNewStyleMonths[static_cast<size_t>(new_style_count) % kNewStyleMonths.size()];
      int number = ++new_style_counters[slot.yymm];
      slot.id = slot.yymm + "." + padded(number, slot.yymm < "1501" ? 4 : 5);
      slot.stem = slot.id;
      ++new_style_count;
    }
    plan.push_back(std::move(slot));
  }
  return plan;
}

std::string member_name(const PaperSlot& slot) {
  switch (slot.submission) {
    case SubmissionKind::kOtherTarGz:
      return slot.stem + ".tar.gz";
    case SubmissionKind::kPdfOnly:
      return slot.yymm + "/" + slot.stem + ".pdf";
    case SubmissionKind::kTarGz:
    case SubmissionKind::kSingleGz:
      break;
  }
  return slot.yymm + "/" + slot.stem + ".gz";
}

std::string BulkChunk::file_name() const {
  return "arXiv_src_" + yymm + "_" + padded(seq, 3) + ".tar";
}

std::vector<BulkChunk> plan_bulk_chunks(const std::vector<PaperSlot>& plan, size_t per_tar) {
  std::map<std::string, std::vector<size_t>> by_month;
  for (size_t i = 0; i < plan.size(); ++i) {
    if (plan[i].submission != SubmissionKind::kOtherTarGz) by_month[plan[i].yymm].push_back(i);
  }
  std::vector<BulkChunk> chunks;
  for (auto& [yymm, slots] : by_month) {
    std::sort(slots.begin(), slots.end(),
              [&plan](size_t a, size_t b) { return member_name(plan[a]) < member_name(plan[b]); });
    for (size_t start = 0; start < slots.size(); start += per_tar) {
      BulkChunk chunk;
      chunk.yymm = yymm;
      chunk.seq = static_cast<int>(start / per_tar) + 1;
      chunk.slots.assign(
          slots.begin() + static_cast<std::ptrdiff_t>(start),
          slots.begin() + static_cast<std::ptrdiff_t>(std::min(slots.size(), start + per_tar)));
      chunks.push_back(std::move(chunk));
    }
  }
  return chunks;
}

std::string manifest_xml(const std::vector<ManifestEntry>& entries) {
  std::string xml = "<?xml version='1.0' standalone='yes'?>\n<arXivSRC>\n";
  for (const auto& e : entries) {
    xml += "  <file>\n";
    xml += "    <content_md5sum>" + e.content_md5 + "</content_md5sum>\n";
    xml += "    <filename>src/" + e.file_name + "</filename>\n";
    xml += "    <first_item>" + e.first_item + "</first_item>\n";
    xml += "    <last_item>" + e.last_item + "</last_item>\n";
    xml += "    <md5sum>" + e.md5 + "</md5sum>\n";
    xml += "    <num_items>" + std::to_string(e.num_items) + "</num_items>\n";
    xml += "    <seq_num>" + std::to_string(e.seq_num) + "</seq_num>\n";
    xml += "    <size>" + std::to_string(e.size) + "</size>\n";
    xml += "    <timestamp>2020-07-01 00:00:00</timestamp>\n";
    xml += "    <yymm>" + e.yymm + "</yymm>\n";
    xml += "  </file>\n";
  }
  xml += "</arXivSRC>\n";
  return xml;
}

}  // namespace imagemesh::sample
