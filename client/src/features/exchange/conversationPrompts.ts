// Conversation prompts for the exchange panel, by CEFR band: the list Xstream ships and maintains.
// To add or change prompts, edit PROMPTS below (at least 8 per band; keep each band's prompts in
// the spirit of its level: A1 about oneself and the here and now, C2 about nuance and argument).
// Languages without a list get the English prompts, introduced with the language's name.
import type { CefrLevel } from "@xstream/contract/limits";

type Bands = Readonly<Record<CefrLevel, readonly string[]>>;

const ENGLISH: Bands = {
  A1: [
    "Say your name, where you live and what you do.",
    "What do you eat for breakfast?",
    "Describe your home: how many rooms does it have?",
    "What is the weather like today?",
    "Name three things in the room where you are now.",
    "Who is in your family?",
    "What do you like to do at the weekend?",
    "What time do you get up, and what time do you go to bed?",
  ],
  A2: [
    "What did you do last weekend?",
    "Describe your best friend.",
    "How do you get to work or school, and how long does it take?",
    "What is your favourite food, and how is it made?",
    "Tell me about a holiday you enjoyed.",
    "What do you usually buy at the market or supermarket?",
    "What are your plans for next week?",
    "Describe the town or city where you grew up.",
  ],
  B1: [
    "Tell me about a film or book you liked recently, and why.",
    "What would you change about where you live?",
    "Describe a problem you solved at work or at school.",
    "What are the advantages and disadvantages of living in a big city?",
    "Tell me about a tradition in your country that visitors find surprising.",
    "If you could learn any skill quickly, what would it be and why?",
    "Describe a time you had to change your plans at the last minute.",
    "How has technology changed the way your family keeps in touch?",
  ],
  B2: [
    "Should public transport be free? Argue for one side.",
    "What makes a good teacher? Compare two teachers you remember.",
    "How do you think your job or studies will change in ten years?",
    "Explain a news story from this week and what you think of it.",
    "Is it better to specialise early or to try many things? Why?",
    "Describe a misunderstanding caused by a difference between cultures.",
    "What responsibilities do tourists have towards the places they visit?",
    "Recommend a place to visit in your country, and persuade me to go.",
  ],
  C1: [
    "To what extent should governments regulate social media?",
    "Discuss a decision you made that looked wrong at first but turned out well.",
    "How does the language you speak shape the way you think, if at all?",
    "What is lost and what is gained when a city modernises quickly?",
    "Evaluate the claim that remote work makes people less creative.",
    "Describe a book, film or artwork that changed your opinion about something.",
    "How should societies balance individual freedom and public health?",
    "Explain an idea from your field to someone who knows nothing about it.",
  ],
  C2: [
    "Argue the opposite of an opinion you hold strongly, as convincingly as you can.",
    "Is politeness a form of honesty or a form of dishonesty?",
    "Discuss an idiom in your language that has no good translation, and why.",
    "What do we owe future generations, and who decides?",
    "Analyse the tone of a speech, advert or article that you found manipulative.",
    "Can humour be translated? Give examples that work and ones that fail.",
    "Is progress a useful idea, or a story each generation tells itself?",
    "Debate whether a nation's history should be taught as a source of pride.",
  ],
};

const SPANISH: Bands = {
  A1: [
    "Di tu nombre, dónde vives y a qué te dedicas.",
    "¿Qué desayunas normalmente?",
    "Describe tu casa: ¿cuántas habitaciones tiene?",
    "¿Qué tiempo hace hoy?",
    "Nombra tres cosas que hay en la habitación donde estás.",
    "¿Quién hay en tu familia?",
    "¿Qué te gusta hacer el fin de semana?",
    "¿A qué hora te levantas y a qué hora te acuestas?",
  ],
  A2: [
    "¿Qué hiciste el fin de semana pasado?",
    "Describe a tu mejor amigo o amiga.",
    "¿Cómo vas al trabajo o a clase, y cuánto tardas?",
    "¿Cuál es tu comida favorita y cómo se prepara?",
    "Cuéntame unas vacaciones que te gustaron.",
    "¿Qué compras normalmente en el mercado o en el supermercado?",
    "¿Qué planes tienes para la semana que viene?",
    "Describe el pueblo o la ciudad donde creciste.",
  ],
  B1: [
    "Háblame de una película o un libro que te gustó hace poco, y por qué.",
    "¿Qué cambiarías del lugar donde vives?",
    "Describe un problema que resolviste en el trabajo o en clase.",
    "¿Qué ventajas y desventajas tiene vivir en una ciudad grande?",
    "Cuéntame una tradición de tu país que sorprende a los visitantes.",
    "Si pudieras aprender cualquier habilidad rápidamente, ¿cuál sería y por qué?",
    "Describe una vez en que tuviste que cambiar tus planes en el último momento.",
    "¿Cómo ha cambiado la tecnología la forma en que tu familia se comunica?",
  ],
  B2: [
    "¿Debería ser gratuito el transporte público? Defiende una postura.",
    "¿Qué hace que alguien sea un buen profesor? Compara dos que recuerdes.",
    "¿Cómo crees que cambiarán tu trabajo o tus estudios en diez años?",
    "Explica una noticia de esta semana y lo que opinas de ella.",
    "¿Es mejor especializarse pronto o probar muchas cosas? ¿Por qué?",
    "Describe un malentendido causado por una diferencia cultural.",
    "¿Qué responsabilidades tienen los turistas con los lugares que visitan?",
    "Recomiéndame un lugar de tu país y convénceme de que vaya.",
  ],
  C1: [
    "¿Hasta qué punto deberían los gobiernos regular las redes sociales?",
    "Habla de una decisión que parecía un error y que al final salió bien.",
    "¿Influye la lengua que hablamos en nuestra forma de pensar?",
    "¿Qué se pierde y qué se gana cuando una ciudad se moderniza deprisa?",
    "Valora la idea de que el teletrabajo nos hace menos creativos.",
    "Describe un libro, una película o una obra de arte que te hizo cambiar de opinión.",
    "¿Cómo debe una sociedad equilibrar la libertad individual y la salud pública?",
    "Explica una idea de tu campo a alguien que no sabe nada de él.",
  ],
  C2: [
    "Defiende lo contrario de una opinión que tienes, de la forma más convincente posible.",
    "¿La cortesía es una forma de sinceridad o de falsedad?",
    "Comenta un modismo de tu lengua que no tiene buena traducción, y por qué.",
    "¿Qué les debemos a las generaciones futuras, y quién lo decide?",
    "Analiza el tono de un discurso, un anuncio o un artículo que te pareció manipulador.",
    "¿Se puede traducir el humor? Da ejemplos que funcionan y otros que no.",
    "¿Es el progreso una idea útil o un relato que cada generación se cuenta?",
    "Debate si la historia de un país debería enseñarse como motivo de orgullo.",
  ],
};

const FRENCH: Bands = {
  A1: [
    "Dis ton nom, où tu habites et ce que tu fais.",
    "Qu'est-ce que tu manges au petit déjeuner ?",
    "Décris ton logement : combien de pièces a-t-il ?",
    "Quel temps fait-il aujourd'hui ?",
    "Nomme trois choses dans la pièce où tu es.",
    "Qui fait partie de ta famille ?",
    "Qu'est-ce que tu aimes faire le week-end ?",
    "À quelle heure est-ce que tu te lèves et te couches ?",
  ],
  A2: [
    "Qu'est-ce que tu as fait le week-end dernier ?",
    "Décris ton meilleur ami ou ta meilleure amie.",
    "Comment vas-tu au travail ou à l'école, et combien de temps ça prend ?",
    "Quel est ton plat préféré et comment le prépare-t-on ?",
    "Raconte des vacances que tu as aimées.",
    "Qu'est-ce que tu achètes d'habitude au marché ou au supermarché ?",
    "Quels sont tes projets pour la semaine prochaine ?",
    "Décris la ville ou le village où tu as grandi.",
  ],
  B1: [
    "Parle-moi d'un film ou d'un livre que tu as aimé récemment, et pourquoi.",
    "Qu'est-ce que tu changerais dans l'endroit où tu habites ?",
    "Décris un problème que tu as résolu au travail ou à l'école.",
    "Quels sont les avantages et les inconvénients de la vie dans une grande ville ?",
    "Raconte une tradition de ton pays qui surprend les visiteurs.",
    "Si tu pouvais apprendre une compétence très vite, laquelle choisirais-tu et pourquoi ?",
    "Décris une fois où tu as dû changer tes projets au dernier moment.",
    "Comment la technologie a-t-elle changé la façon dont ta famille reste en contact ?",
  ],
  B2: [
    "Les transports publics devraient-ils être gratuits ? Défends un point de vue.",
    "Qu'est-ce qui fait un bon professeur ? Compare deux professeurs dont tu te souviens.",
    "Comment ton travail ou tes études vont-ils évoluer dans dix ans, selon toi ?",
    "Explique une actualité de cette semaine et ce que tu en penses.",
    "Vaut-il mieux se spécialiser tôt ou essayer beaucoup de choses ? Pourquoi ?",
    "Décris un malentendu causé par une différence culturelle.",
    "Quelles responsabilités les touristes ont-ils envers les lieux qu'ils visitent ?",
    "Recommande-moi un endroit à visiter dans ton pays et convaincs-moi d'y aller.",
  ],
  C1: [
    "Dans quelle mesure les États devraient-ils réguler les réseaux sociaux ?",
    "Parle d'une décision qui semblait mauvaise au départ mais qui s'est révélée bonne.",
    "La langue que l'on parle façonne-t-elle notre manière de penser ?",
    "Que perd-on et que gagne-t-on quand une ville se modernise rapidement ?",
    "Évalue l'idée selon laquelle le télétravail rend moins créatif.",
    "Décris un livre, un film ou une œuvre d'art qui t'a fait changer d'avis.",
    "Comment une société doit-elle concilier liberté individuelle et santé publique ?",
    "Explique une idée de ton domaine à quelqu'un qui n'y connaît rien.",
  ],
  C2: [
    "Défends le contraire d'une opinion à laquelle tu tiens, de manière aussi convaincante que possible.",
    "La politesse est-elle une forme d'honnêteté ou de malhonnêteté ?",
    "Commente une expression de ta langue qui n'a pas de bonne traduction, et explique pourquoi.",
    "Que devons-nous aux générations futures, et qui en décide ?",
    "Analyse le ton d'un discours, d'une publicité ou d'un article qui t'a paru manipulateur.",
    "L'humour peut-il se traduire ? Donne des exemples qui fonctionnent et d'autres qui échouent.",
    "Le progrès est-il une idée utile ou un récit que chaque génération se raconte ?",
    "Débats : l'histoire d'un pays doit-elle être enseignée comme une source de fierté ?",
  ],
};

const GERMAN: Bands = {
  A1: [
    "Sag deinen Namen, wo du wohnst und was du machst.",
    "Was isst du zum Frühstück?",
    "Beschreib deine Wohnung: Wie viele Zimmer hat sie?",
    "Wie ist das Wetter heute?",
    "Nenne drei Dinge in dem Raum, in dem du gerade bist.",
    "Wer gehört zu deiner Familie?",
    "Was machst du gern am Wochenende?",
    "Wann stehst du auf und wann gehst du ins Bett?",
  ],
  A2: [
    "Was hast du letztes Wochenende gemacht?",
    "Beschreib deinen besten Freund oder deine beste Freundin.",
    "Wie kommst du zur Arbeit oder zur Schule, und wie lange dauert das?",
    "Was ist dein Lieblingsessen, und wie macht man es?",
    "Erzähl von einem Urlaub, der dir gefallen hat.",
    "Was kaufst du normalerweise auf dem Markt oder im Supermarkt?",
    "Was hast du nächste Woche vor?",
    "Beschreib die Stadt oder das Dorf, in dem du aufgewachsen bist.",
  ],
  B1: [
    "Erzähl mir von einem Film oder Buch, das dir neulich gefallen hat, und warum.",
    "Was würdest du an deinem Wohnort ändern?",
    "Beschreib ein Problem, das du bei der Arbeit oder in der Schule gelöst hast.",
    "Welche Vor- und Nachteile hat das Leben in einer großen Stadt?",
    "Erzähl von einer Tradition in deinem Land, die Besucher überrascht.",
    "Wenn du eine Fähigkeit schnell lernen könntest, welche wäre es und warum?",
    "Beschreib eine Situation, in der du deine Pläne im letzten Moment ändern musstest.",
    "Wie hat die Technik verändert, wie deine Familie in Kontakt bleibt?",
  ],
  B2: [
    "Sollte der öffentliche Nahverkehr kostenlos sein? Vertritt eine Seite.",
    "Was macht eine gute Lehrerin oder einen guten Lehrer aus? Vergleiche zwei, an die du dich erinnerst.",
    "Wie wird sich deine Arbeit oder dein Studium in zehn Jahren verändert haben?",
    "Erkläre eine Nachricht aus dieser Woche und was du davon hältst.",
    "Ist es besser, sich früh zu spezialisieren oder vieles auszuprobieren? Warum?",
    "Beschreib ein Missverständnis, das durch einen kulturellen Unterschied entstanden ist.",
    "Welche Verantwortung haben Touristen gegenüber den Orten, die sie besuchen?",
    "Empfiehl mir einen Ort in deinem Land und überzeuge mich, dorthin zu fahren.",
  ],
  C1: [
    "Inwieweit sollten Regierungen soziale Medien regulieren?",
    "Sprich über eine Entscheidung, die zuerst falsch aussah, sich aber als richtig erwies.",
    "Prägt die Sprache, die wir sprechen, unser Denken?",
    "Was geht verloren und was wird gewonnen, wenn sich eine Stadt schnell modernisiert?",
    "Bewerte die Behauptung, dass Homeoffice Menschen weniger kreativ macht.",
    "Beschreib ein Buch, einen Film oder ein Kunstwerk, das deine Meinung verändert hat.",
    "Wie sollte eine Gesellschaft individuelle Freiheit und öffentliche Gesundheit abwägen?",
    "Erkläre eine Idee aus deinem Fachgebiet jemandem, der nichts darüber weiß.",
  ],
  C2: [
    "Vertritt das Gegenteil einer Meinung, die dir wichtig ist, so überzeugend wie möglich.",
    "Ist Höflichkeit eine Form der Ehrlichkeit oder der Unehrlichkeit?",
    "Sprich über eine Redewendung deiner Sprache, die sich nicht gut übersetzen lässt, und warum.",
    "Was schulden wir künftigen Generationen, und wer entscheidet das?",
    "Analysiere den Ton einer Rede, einer Werbung oder eines Artikels, den du manipulativ fandest.",
    "Lässt sich Humor übersetzen? Nenne Beispiele, die funktionieren, und solche, die scheitern.",
    "Ist Fortschritt eine nützliche Idee oder eine Geschichte, die sich jede Generation erzählt?",
    "Diskutiere, ob die Geschichte eines Landes als Quelle des Stolzes gelehrt werden sollte.",
  ],
};

/** Prompts by primary language subtag ("es" also serves "es-MX"). */
export const PROMPTS: Readonly<Record<string, Bands>> = {
  en: ENGLISH,
  es: SPANISH,
  fr: FRENCH,
  de: GERMAN,
};

/** The prompt list for a language and band, and whether it is written in that language. */
export function promptsFor(
  language: string,
  level: CefrLevel,
): { prompts: readonly string[]; native: boolean } {
  const primary = language.split("-")[0]?.toLowerCase() ?? "";
  const own = Object.hasOwn(PROMPTS, primary) ? PROMPTS[primary] : undefined;
  return own ? { prompts: own[level], native: true } : { prompts: ENGLISH[level], native: false };
}
