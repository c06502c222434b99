// Accent commands -> Unicode. The tables list, per accent, pairs of an ASCII base letter and its
// precomposed character (generated from Unicode NFC).
#include <string>
#include <string_view>

#include "latex/plain_text.h"
#include "latex/text_decode.h"

namespace imagemesh::latex {
namespace {

struct AccentTable {
  std::string_view accent;
  std::string_view pairs;
  char32_t combining;
};

constexpr AccentTable kAccents[] = {
    {"'", "AÁaáEÉeéIÍiíOÓoóUÚuúYÝyýCĆcćNŃnńSŚsśZŹzźGǴgǵRŔrŕLĹlĺKḰkḱWẂwẃ", 0x301},
    {"`", "AÀaàEÈeèIÌiìOÒoòUÙuùYỲyỳNǸnǹWẀwẁ", 0x300},
    {"^", "AÂaâEÊeêIÎiîOÔoôUÛuûYŶyŷCĈcĉSŜsŝZẐzẑGĜgĝHĤhĥJĴjĵWŴwŵ", 0x302},
    {"\"", "AÄaäEËeëIÏiïOÖoöUÜuüYŸyÿtẗHḦhḧWẄwẅ", 0x308},
    {"~", "AÃaãEẼeẽIĨiĩOÕoõUŨuũYỸyỹNÑnñ", 0x303},
    {"=", "AĀaāEĒeēIĪiīOŌoōUŪuūYȲyȳGḠgḡ", 0x304},
    {".", "AȦaȧEĖeėIİOȮoȯYẎyẏCĊcċNṄnṅSṠsṡZŻzżGĠgġRṘrṙTṪtṫDḊdḋHḢhḣWẆwẇ", 0x307},
    {"u", "AĂaăEĔeĕIĬiĭOŎoŏUŬuŭGĞgğ", 0x306},
    {"v", "AǍaǎEĚeěIǏiǐOǑoǒUǓuǔCČcčNŇnňSŠsšZŽzžGǦgǧRŘrřLĽlľTŤtťDĎdďKǨkǩHȞhȟjǰ", 0x30C},
    {"H", "OŐoőUŰuű", 0x30B},
    {"c", "EȨeȩCÇcçNŅnņSŞsşGĢgģRŖrŗLĻlļTŢtţDḐdḑKĶkķHḨhḩ", 0x327},
    {"k", "AĄaąEĘeęIĮiįOǪoǫUŲuų", 0x328},
    {"r", "AÅaåUŮuůyẙwẘ", 0x30A},
    {"d", "AẠaạEẸeẹIỊiịOỌoọUỤuụYỴyỵNṆnṇSṢsṣZẒzẓRṚrṛLḶlḷTṬtṭDḌdḍKḲkḳHḤhḥWẈwẉ", 0x323},
    {"b", "NṈnṉZẔzẕRṞrṟLḺlḻTṮtṯDḎdḏKḴkḵhẖ", 0x331},
    {"t", "", 0x361},
};

size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

}  // namespace

std::string apply_accent(std::string_view accent, std::string_view base) {
  const AccentTable* table = nullptr;
  for (const AccentTable& entry : kAccents) {
    if (entry.accent == accent) table = &entry;
  }
  if (base == "\\i" || base == "ı") base = "i";
  if (base == "\\j") base = "j";
  if (!table) return std::string(base);
  if (base.size() == 1) {
    std::string_view pairs = table->pairs;
    for (size_t i = 0; i < pairs.size();) {
      char letter = pairs[i];
      size_t len = utf8_length(static_cast<unsigned char>(pairs[i + 1]));
      if (letter == base[0]) return std::string(pairs.substr(i + 1, len));
      i += 1 + len;
    }
  }
  std::string out(base);
  if (!out.empty()) append_utf8(out, table->combining);
  return out;
}

}  // namespace imagemesh::latex
