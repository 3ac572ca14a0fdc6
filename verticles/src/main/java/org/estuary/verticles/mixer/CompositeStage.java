package org.estuary.verticles.mixer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.estuary.media.pipeline.Output;
import org.estuary.media.pipeline.Stage;
import org.estuary.media.video.DecodedPicture;
import org.estuary.media.video.PictureCompositor;
import org.estuary.media.video.PlacedWatermark;
import org.estuary.media.video.Watermark;
import org.estuary.media.video.WatermarkPlacement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composite stage: for each video tick, the background, then every tiled input's picture
 * (else its avatar) and label where the layout puts it, then the output watermark; emits the
 * canvas stamped with the tick's output time. Owns the canvas and the rendered background (one
 * output size per stage: a new size builds a new video branch).
 */
final class CompositeStage implements Stage<CompositeStage.Tick, DecodedPicture> {
    private static final Logger LOG = LoggerFactory.getLogger(CompositeStage.class);

    /** One picture due: the clock's time (for how long a stalled input's picture is held) and its output time. */
    record Tick(long nowNanos, long ptsUs) { }

    /** What the stage draws with, read on each tick (layout and watermark change live). */
    record Look(String uri, List<MixerInput> inputs, Supplier<MixerSettings> settings,
                Supplier<PlacedWatermark> watermark, String desktopKeyword, long holdNanos, int labelFontSize) { }

    private final Look look;
    private final PictureCompositor compositor = new PictureCompositor();
    private DecodedPicture canvas;
    private DecodedPicture background;

    CompositeStage(Look look, MixerBackground bg, int width, int height) {
        this.look = look;
        this.canvas = DecodedPicture.allocate(width, height, 0);
        try {
            this.background = bg.render(width, height, compositor);
        } catch (RuntimeException e) {
            canvas.close();
            throw e;
        }
    }

    @Override
    public void process(Tick tick, Output<DecodedPicture> out) {
        compose(tick.nowNanos());
        canvas.setPtsUs(tick.ptsUs());
        out.emit(canvas);
    }

    private void compose(long now) {
        compositor.copy(background, canvas);
        List<String> names = new ArrayList<>();
        List<String> positions = new ArrayList<>();
        List<MixerInput> shown = new ArrayList<>();
        for (MixerInput in : look.inputs()) {
            if (in.tiled()) {
                names.add(in.streamName);
                positions.add(in.positionId());
                shown.add(in);
            }
        }
        MixerSettings s = look.settings().get();
        List<Tile> tiles = layoutFor(s.layout(), names).arrange(names, positions, canvas.width(), canvas.height());
        for (int i = 0; i < shown.size(); i++) {
            MixerInput in = shown.get(i);
            if (tiles.get(i) == null) {
                continue;   // an XML layout with fewer places than inputs: heard, not seen
            }
            try {
                drawTile(in, tiles.get(i), now);
            } catch (RuntimeException e) {
                LOG.warn("Mixer {}: input {} not drawn: {}", look.uri(), in.streamName, e.getMessage());
            }
        }
        PlacedWatermark w = look.watermark().get();
        if (w != null) {
            w.watermark().apply(canvas, w.placement());
        }
    }

    /** A screen-share input switches any layout to the desktop arrangement. */
    private MixerLayout layoutFor(MixerLayout configured, List<String> names) {
        if (configured instanceof DesktopLayout || configured instanceof XmlLayoutFolder) {   // the folder has its own
            return configured;
        }
        DesktopLayout desktop = new DesktopLayout(look.desktopKeyword(), configured);
        return desktop.desktopIndex(names) >= 0 ? desktop : configured;
    }

    /** One input's tile: its picture, else its avatar (no video, muted, stalled), then its label. */
    private void drawTile(MixerInput in, Tile tile, long now) {
        int[] size = in.wantVideo ? in.sourceSize() : null;
        DecodedPicture p = null;
        if (size != null) {
            // crop: scaled to cover the tile and cut to it; otherwise scaled to fit inside it whole
            Tile fit = tile.crop() ? tile.cover(size[0], size[1]) : tile.fit(size[0], size[1]);
            p = in.pictureFor(fit, now, look.holdNanos());
            if (p != null) {
                compositor.paste(p, canvas, fit.x(), fit.y(), tile.x(), tile.y(), tile.width(), tile.height());
            }
        }
        if (p == null) {
            Watermark avatar = in.avatarFor(tile);
            if (avatar != null) {
                avatar.apply(canvas, at(tile.x() + (tile.width() - avatar.width()) / 2,
                        tile.y() + (tile.height() - avatar.height()) / 2));
            }
        }
        Watermark label = in.labelFor(tile.width(), look.labelFontSize());
        if (label != null && label.height() < tile.height()) {
            label.apply(canvas, at(tile.x(), tile.y() + tile.height() - label.height()));
        }
    }

    private static WatermarkPlacement at(int x, int y) {
        return new WatermarkPlacement(Math.max(0, x), Math.max(0, y), 0, 0, 0, 0);
    }

    @Override
    public void close() {
        if (canvas != null) {
            canvas.close();
            canvas = null;
        }
        if (background != null) {
            background.close();
            background = null;
        }
    }
}
