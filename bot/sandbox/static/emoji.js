// Slack's standard emoji shortcodes, bundled so the sandbox needs no network. Every one the
// bot writes is here (a test greps bot/ for `:name:` and checks), plus the ones people
// type most. A shortcode that is not here stays as text, as Slack shows unknown ones.
"use strict";

const EMOJI = Object.freeze({
  // The bot's own
  arrows_counterclockwise: "🔄", ballot_box_with_ballot: "🗳️", calendar: "📆",
  chart_with_upwards_trend: "📈", compass: "🧭", double_vertical_bar: "⏸️", eyes: "👀",
  gear: "⚙️", handshake: "🤝", hourglass: "⌛", hourglass_flowing_sand: "⏳", inbox_tray: "📥",
  information_source: "ℹ️", leftwards_arrow_with_hook: "↩️", lock: "🔒", mailbox: "📫",
  memo: "📝", no_bell: "🔕", recycle: "♻️", rocket: "🚀", thinking_face: "🤔", thread: "🧵",
  warning: "⚠️",
  wave: "👋", white_check_mark: "✅", x: "❌", zzz: "💤",
  // Faces and people
  smile: "😄", smiley: "😃", grinning: "😀", blush: "😊", slightly_smiling_face: "🙂",
  wink: "😉", joy: "😂", rolling_on_the_floor_laughing: "🤣", sweat_smile: "😅",
  heart_eyes: "😍", sunglasses: "😎", neutral_face: "😐", expressionless: "😑",
  confused: "😕", slightly_frowning_face: "🙁", disappointed: "😞", cry: "😢", sob: "😭",
  scream: "😱", open_mouth: "😮", astonished: "😲", sleeping: "😴", upside_down_face: "🙃",
  face_with_rolling_eyes: "🙄", grimacing: "😬", relieved: "😌", partying_face: "🥳",
  star_struck: "🤩", nerd_face: "🤓", face_palm: "🤦", shrug: "🤷", raising_hand: "🙋",
  pray: "🙏", clap: "👏", raised_hands: "🙌", muscle: "💪", ok_hand: "👌",
  point_right: "👉", point_left: "👈", point_up: "☝️", point_down: "👇",
  "+1": "👍", thumbsup: "👍", "-1": "👎", thumbsdown: "👎", v: "✌️", crossed_fingers: "🤞",
  writing_hand: "✍️", eye: "👁️", brain: "🧠", bust_in_silhouette: "👤",
  busts_in_silhouette: "👥", man_technologist: "👨‍💻", woman_technologist: "👩‍💻",
  technologist: "🧑‍💻", detective: "🕵️", ninja: "🥷",
  // Hearts and symbols
  heart: "❤️", orange_heart: "🧡", yellow_heart: "💛", green_heart: "💚", blue_heart: "💙",
  purple_heart: "💜", broken_heart: "💔", sparkles: "✨", star: "⭐", star2: "🌟",
  boom: "💥", fire: "🔥", zap: "⚡", "100": "💯", heavy_check_mark: "✔️",
  ballot_box_with_check: "☑️", heavy_multiplication_x: "✖️", negative_squared_cross_mark: "❎",
  exclamation: "❗", heavy_exclamation_mark: "❗", grey_exclamation: "❕", question: "❓",
  grey_question: "❔", bangbang: "‼️", interrobang: "⁉️", no_entry: "⛔",
  no_entry_sign: "🚫", red_circle: "🔴", large_blue_circle: "🔵", large_green_circle: "🟢",
  large_yellow_circle: "🟡", white_circle: "⚪", black_circle: "⚫", heavy_plus_sign: "➕",
  heavy_minus_sign: "➖", arrow_right: "➡️", arrow_left: "⬅️", arrow_up: "⬆️",
  arrow_down: "⬇️", arrows_clockwise: "🔃", repeat: "🔁", twisted_rightwards_arrows: "🔀",
  arrow_forward: "▶️", fast_forward: "⏩", rewind: "⏪", new: "🆕", ok: "🆗", sos: "🆘",
  bell: "🔔", mega: "📣", loudspeaker: "📢", speech_balloon: "💬", thought_balloon: "💭",
  link: "🔗", key: "🔑", unlock: "🔓", mag: "🔍", mag_right: "🔎", bulb: "💡",
  // Work
  chart_with_downwards_trend: "📉", bar_chart: "📊", clipboard: "📋", pushpin: "📌",
  round_pushpin: "📍", paperclip: "📎", file_folder: "📁", open_file_folder: "📂",
  page_facing_up: "📄", page_with_curl: "📃", bookmark_tabs: "📑", books: "📚", book: "📖",
  pencil: "📝", pencil2: "✏️", email: "📧", envelope: "✉️", incoming_envelope: "📨",
  outbox_tray: "📤", mailbox_with_mail: "📬", mailbox_closed: "📪", package: "📦",
  date: "📅", spiral_calendar_pad: "🗓️", alarm_clock: "⏰", stopwatch: "⏱️",
  timer_clock: "⏲️", clock9: "🕘", watch: "⌚", computer: "💻", desktop_computer: "🖥️",
  keyboard: "⌨️", iphone: "📱", telephone_receiver: "📞", hammer: "🔨",
  hammer_and_wrench: "🛠️", wrench: "🔧", nut_and_bolt: "🔩", toolbox: "🧰", gem: "💎",
  moneybag: "💰", dollar: "💵", briefcase: "💼", office: "🏢", house: "🏠",
  construction: "🚧", rotating_light: "🚨", checkered_flag: "🏁", triangular_flag_on_post: "🚩",
  dart: "🎯", trophy: "🏆", medal: "🏅", first_place_medal: "🥇", tada: "🎉",
  confetti_ball: "🎊", gift: "🎁", balloon: "🎈", coffee: "☕", pizza: "🍕", beers: "🍻",
  seedling: "🌱", herb: "🌿", evergreen_tree: "🌲", sunny: "☀️", cloud: "☁️", rainbow: "🌈",
  snowflake: "❄️", ocean: "🌊", earth_americas: "🌎", globe_with_meridians: "🌐",
  airplane: "✈️", car: "🚗", ship: "🚢", bug: "🐛", beetle: "🪲", snail: "🐌", turtle: "🐢",
  rabbit: "🐇", unicorn_face: "🦄", dog: "🐶", cat: "🐱", owl: "🦉", robot_face: "🤖",
  test_tube: "🧪", microscope: "🔬", telescope: "🔭", satellite: "📡", jigsaw: "🧩",
  building_construction: "🏗️", scales: "⚖️", shield: "🛡️", crystal_ball: "🔮",
  magic_wand: "🪄", battery: "🔋", electric_plug: "🔌", floppy_disk: "💾", cd: "💿",
});

// Slack's skin tones, written after a shortcode as `:+1::skin-tone-3:`.
const SKIN_TONES = Object.freeze({ 2: "🏻", 3: "🏼", 4: "🏽", 5: "🏾", 6: "🏿" });
